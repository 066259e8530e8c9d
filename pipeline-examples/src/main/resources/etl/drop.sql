-- A fresh ETL run owns its table: it drops it before etl/schema.sql creates it again.
DROP TABLE IF EXISTS etl_customers;
