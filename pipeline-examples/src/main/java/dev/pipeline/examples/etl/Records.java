package dev.pipeline.examples.etl;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The ETL job's data: what the API sends, what validation accepts, what is stored. */
final class Records {

    private Records() {
    }

    /** One page of {@code GET /records}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Page(int page, int size, int totalPages, long totalRecords, List<RawRecord> records) {
    }

    /** A record as the API sends it: anything may be missing or wrong. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RawRecord(Long id, String name, String email, String country, BigDecimal amount, String createdAt) {
    }

    /** A record that passed validation. */
    record Customer(long id, String name, String email, String country, BigDecimal amount, Instant createdAt) {
    }

    /** A customer with what the job adds: region, amount in EUR, tier. */
    record Enriched(Customer customer, String region, BigDecimal amountEur, String tier) {
    }

    /** Why a record was refused; the dead-letter file carries the message with the record. */
    static final class InvalidRecordException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidRecordException(String message) {
            super(message);
        }
    }

    private static final Map<String, String> REGION = Map.of("DE", "EU", "FR", "EU", "NL", "EU", "ES", "EU", "IT", "EU",
            "PL", "EU", "SE", "EU", "GB", "UK", "US", "NA", "JP", "APAC");

    /** Rates to EUR by the country's currency (fixed for the demo). */
    private static final Map<String, BigDecimal> TO_EUR = Map.of("GB", new BigDecimal("1.17"), "US", new BigDecimal("0.92"),
            "JP", new BigDecimal("0.0062"), "PL", new BigDecimal("0.23"), "SE", new BigDecimal("0.088"));

    /** Validates a raw record: every field present, email plausible, amount not negative, country known. */
    static Customer validate(RawRecord r) {
        if (r.id() == null || r.id() <= 0) {
            throw new InvalidRecordException("id missing or not positive");
        }
        if (r.name() == null || r.name().isBlank()) {
            throw new InvalidRecordException("record " + r.id() + ": name missing");
        }
        if (r.email() == null || r.email().isBlank()) {
            throw new InvalidRecordException("record " + r.id() + ": email missing");
        }
        if (r.email().indexOf('@') < 1) {
            throw new InvalidRecordException("record " + r.id() + ": email '" + r.email() + "' has no @");
        }
        if (r.amount() == null || r.amount().signum() < 0) {
            throw new InvalidRecordException("record " + r.id() + ": amount " + r.amount() + " is missing or negative");
        }
        if (r.country() == null || !REGION.containsKey(r.country())) {
            throw new InvalidRecordException("record " + r.id() + ": unknown country '" + r.country() + "'");
        }
        Instant created;
        try {
            created = Instant.parse(r.createdAt());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidRecordException("record " + r.id() + ": createdAt '" + r.createdAt() + "' is not an ISO-8601 instant");
        }
        return new Customer(r.id(), r.name().strip(), r.email().strip().toLowerCase(java.util.Locale.ROOT), r.country(),
                r.amount(), created);
    }

    /** Adds region, the amount in EUR and a tier. */
    static Enriched enrich(Customer c) {
        BigDecimal eur = c.amount().multiply(TO_EUR.getOrDefault(c.country(), BigDecimal.ONE)).setScale(2, RoundingMode.HALF_EVEN);
        String tier = eur.compareTo(new BigDecimal("500")) >= 0 ? "gold" : eur.compareTo(new BigDecimal("100")) >= 0 ? "silver" : "bronze";
        return new Enriched(c, REGION.get(c.country()), eur, tier);
    }

    /** The insert's values, in the order of {@link #COLUMNS}. */
    static List<Object> row(Enriched e) {
        Customer c = e.customer();
        return List.of(c.id(), c.name(), c.email(), c.country(), e.region(), e.amountEur(), e.tier(), c.createdAt().toString());
    }

    static final List<String> COLUMNS = List.of("id", "name", "email", "country", "region", "amount_eur", "tier", "created_at");
}
