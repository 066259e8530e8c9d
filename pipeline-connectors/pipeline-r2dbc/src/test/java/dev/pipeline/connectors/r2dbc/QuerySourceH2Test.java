package dev.pipeline.connectors.r2dbc;

class QuerySourceH2Test extends QuerySourceContract {
    @Override
    Db db() {
        return Db.H2;
    }
}
