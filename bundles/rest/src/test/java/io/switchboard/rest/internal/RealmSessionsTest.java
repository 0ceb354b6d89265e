package io.switchboard.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rest.Sessions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RealmSessionsTest {

    final byte[] key = new byte[32];
    final RealmSessions sessions = new RealmSessions(key, Duration.ofHours(8));

    @Test
    void aTokenIsTheSessionItWasIssuedForAndNothingElse() {
        Sessions.Session issued = sessions.issue("agent-1", Set.of("agent"), Instant.now().plusSeconds(60));
        Sessions.Session verified = sessions.verify(issued.token()).orElseThrow();
        assertEquals("agent-1", verified.user());
        assertEquals(Set.of("agent"), verified.roles());

        // another key, a changed payload, a changed signature, an expired token: no session
        byte[] other = key.clone();
        other[0] = 1;
        assertTrue(new RealmSessions(other, Duration.ofHours(8)).verify(issued.token()).isEmpty());
        String[] parts = issued.token().split("\\.");
        String admin = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "agent-1|admin|4102444800".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(sessions.verify(admin + "." + parts[1]).isEmpty());
        char[] signature = parts[1].toCharArray();
        signature[3] = signature[3] == 'A' ? 'B' : 'A';
        assertTrue(sessions.verify(parts[0] + "." + new String(signature)).isEmpty());
        assertTrue(sessions.verify(sessions.issue("agent-1", Set.of("agent"), Instant.now().minusSeconds(1)).token()).isEmpty());
    }

    /** Each thread keeps its own keyed Mac: many verifying at once all get the right answers. */
    @Test
    void manyThreadsVerifyingAtOnceGetTheRightAnswers() throws Exception {
        List<Sessions.Session> issued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            issued.add(sessions.issue("agent-" + i, Set.of("agent"), Instant.now().plusSeconds(60)));
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<Sessions.Session>>> results = new ArrayList<>();
            for (int round = 0; round < 50; round++) {
                for (Sessions.Session s : issued) {
                    results.add(threads.submit(() -> sessions.verify(s.token())));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals(issued.get(i % issued.size()).user(), results.get(i).get(10, TimeUnit.SECONDS).orElseThrow().user());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
