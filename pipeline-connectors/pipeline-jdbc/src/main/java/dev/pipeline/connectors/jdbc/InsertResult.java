package dev.pipeline.connectors.jdbc;

/**
 * What an insert or upsert sink did in one run.
 *
 * @param rows rows committed
 * @param rejected rows the database refused (handed to the error policy)
 * @param batches transactions committed
 */
public record InsertResult(long rows, long rejected, long batches) {

    /** Nothing yet. */
    public static final InsertResult EMPTY = new InsertResult(0, 0, 0);

    /**
     * The sum of two results.
     *
     * @param other another result
     * @return the sum
     */
    public InsertResult plus(InsertResult other) {
        return new InsertResult(rows + other.rows, rejected + other.rejected, batches + other.batches);
    }
}
