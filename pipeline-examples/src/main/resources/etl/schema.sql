-- The ETL job's table, created if missing. A run that starts afresh runs etl/drop.sql first;
-- a run that resumes a checkpoint (--checkpoint) keeps the rows of the runs before it.
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
