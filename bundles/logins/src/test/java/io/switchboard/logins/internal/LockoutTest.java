package io.switchboard.logins.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.login.AccountLockedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LockoutTest {

    static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    TestDatabase db;
    Lockout lockout;

    void open(TestDatabase.Kind kind) {
        db = TestDatabase.create(kind);
        JdbcStore store = new JdbcStore(db.dataSource());
        store.migrate(Lockout.CHANGELOG, LockoutTest.class.getClassLoader());
        lockout = new Lockout(store, 20, Duration.ofSeconds(60), Duration.ofMinutes(60));
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void twentyWrongPasswordsLockForAMinuteThenEachLockInARowTwiceAsLong(TestDatabase.Kind kind) {
        open(kind);
        for (int i = 1; i < 20; i++) {
            assertEquals(Optional.empty(), lockout.failed("li", T0.plusSeconds(i)), "wrong password " + i);
        }
        assertEquals(Optional.empty(), lockout.lockedUntil("li", T0.plusSeconds(19)));
        assertEquals(Optional.of(T0.plusSeconds(20 + 60)), lockout.failed("li", T0.plusSeconds(20)));
        assertEquals(Optional.of(T0.plusSeconds(80)), lockout.lockedUntil("li", T0.plusSeconds(79)));
        assertEquals(Optional.empty(), lockout.lockedUntil("li", T0.plusSeconds(81)), "over after the minute");
        assertEquals(Optional.empty(), lockout.lockedUntil("wang", T0.plusSeconds(30)), "only the user who failed");

        Optional<Instant> second = Optional.empty();
        for (int i = 0; i < 20; i++) {
            second = lockout.failed("li", T0.plusSeconds(100 + i));
        }
        assertEquals(Optional.of(T0.plusSeconds(119 + 120)), second, "the next twenty: two minutes");
        assertEquals(Duration.ofMinutes(60), lockout.lockFor(12), "at most an hour");

        lockout.succeeded("li");
        assertEquals(Optional.empty(), lockout.lockedUntil("li", T0.plusSeconds(120)), "a right password clears it");
        assertEquals(Optional.empty(), lockout.failed("li", T0.plusSeconds(300)), "and the count starts again");
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.Kind.class, names = "H2")
    void theModuleRefusesALockedUserBeforeAnyPasswordIsLookedAtAndCountsTheOutcomeOfTheOthers(TestDatabase.Kind kind)
            throws Exception {
        open(kind);
        List<String> asked = new ArrayList<>();
        LockoutLoginModule module = module("zhao", asked);
        assertFalse(module.login(), "not locked: it stands aside");
        assertEquals(List.of("name"), asked, "it asks only for the name, never the password");
        module.abort();
        for (int i = 0; i < 19; i++) {
            LockoutLoginModule again = module("zhao", asked);
            again.login();
            again.abort();
        }
        LockoutLoginModule locked = module("zhao", asked);
        AccountLockedException refused = assertThrows(AccountLockedException.class, locked::login);
        assertTrue(refused.getMessage().contains("locked"), refused.getMessage());
        locked.abort();
        assertTrue(lockout.lockedUntil("zhao", Instant.now()).isPresent());

        lockout.succeeded("zhao");
        LockoutLoginModule right = module("zhao", asked);
        assertFalse(right.login());
        right.commit();
        assertEquals(Optional.empty(), lockout.lockedUntil("zhao", Instant.now()));
    }

    LockoutLoginModule module(String user, List<String> asked) {
        LockoutLoginModule module = new LockoutLoginModule();
        module.initialize(new Subject(), callbacks -> {
            for (var callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    asked.add("name");
                    name.setName(user);
                } else {
                    asked.add("other");
                }
            }
        }, Map.of(), Map.of(LockoutLoginModule.LOCKOUT, lockout));
        return module;
    }
}
