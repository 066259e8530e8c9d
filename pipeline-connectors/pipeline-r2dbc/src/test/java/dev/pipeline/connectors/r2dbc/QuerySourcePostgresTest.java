package dev.pipeline.connectors.r2dbc;

class QuerySourcePostgresTest extends QuerySourceContract {
    @Override
    Db db() {
        return Db.POSTGRES;
    }
}
