package dev.pipeline.connectors.r2dbc;

class InsertSinkH2Test extends InsertSinkContract {
    @Override
    Db db() {
        return Db.H2;
    }
}
