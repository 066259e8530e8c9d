-- The ETL job's table: it owns it and recreates it on every run.
DROP TABLE IF EXISTS etl_customers;
CREATE TABLE etl_customers (
    id          BIGINT         PRIMARY KEY,
    name        VARCHAR(128)   NOT NULL,
    email       VARCHAR(256)   NOT NULL,
    country     CHAR(2)        NOT NULL,
    region      VARCHAR(16)    NOT NULL,
    amount_eur  NUMERIC(14, 2) NOT NULL,
    tier        VARCHAR(8)     NOT NULL,
    created_at  VARCHAR(40)    NOT NULL
);
