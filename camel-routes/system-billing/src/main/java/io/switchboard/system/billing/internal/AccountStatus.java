package io.switchboard.system.billing.internal;

import java.math.BigDecimal;
import java.time.Instant;

/** What {@code GetAccountStatus} answers: amounts in CNY, {@code suspendedSince} only for SUSPENDED. */
record AccountStatus(String accountNumber, BigDecimal balance, BigDecimal arrears, String status, Instant suspendedSince) {
}
