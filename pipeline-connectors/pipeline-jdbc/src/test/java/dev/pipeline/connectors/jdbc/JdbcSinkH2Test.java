package dev.pipeline.connectors.jdbc;

class JdbcSinkH2Test extends JdbcSinkContract {
    @Override
    Db db() {
        return Db.H2;
    }
}
