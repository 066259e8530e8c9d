package dev.pipeline.connectors.r2dbc;

class InsertSinkPostgresTest extends InsertSinkContract {
    @Override
    Db db() {
        return Db.POSTGRES;
    }
}
