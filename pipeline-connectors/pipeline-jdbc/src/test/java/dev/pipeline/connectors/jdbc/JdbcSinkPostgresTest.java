package dev.pipeline.connectors.jdbc;

class JdbcSinkPostgresTest extends JdbcSinkContract {
    @Override
    Db db() {
        return Db.POSTGRES;
    }
}
