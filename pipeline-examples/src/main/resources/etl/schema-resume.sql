-- The ETL job's table for a run that resumes a checkpoint (--checkpoint): the rows of the runs
-- before it stay; created only if missing. Keep the columns those of schema.sql.
CREATE TABLE IF NOT EXISTS etl_customers (
    id          BIGINT         PRIMARY KEY,
    name        VARCHAR(128)   NOT NULL,
    email       VARCHAR(256)   NOT NULL,
    country     CHAR(2)        NOT NULL,
    region      VARCHAR(16)    NOT NULL,
    amount_eur  NUMERIC(14, 2) NOT NULL,
    tier        VARCHAR(8)     NOT NULL,
    created_at  VARCHAR(40)    NOT NULL
);
