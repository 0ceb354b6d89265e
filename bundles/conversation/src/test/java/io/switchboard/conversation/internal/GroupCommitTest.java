package io.switchboard.conversation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    final List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aRequestAloneIsCommittedAtOnceOnItsCallersThread() {
        List<String> threads = new ArrayList<>();
        GroupCommit<Integer, String> commits = new GroupCommit<>(10, group -> {
            groups.add(group);
            threads.add(Thread.currentThread().getName());
            return group.stream().map(i -> GroupCommit.Outcome.of("v" + i)).toList();
        });
        assertEquals("v1", commits.submit(1));
        assertEquals(List.of(List.of(1)), groups);
        assertEquals(List.of(Thread.currentThread().getName()), threads);
    }

    @Test
    void whatArrivesDuringACommitIsCommittedTogetherInTheNextAndEachCallerGetsItsOwn() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Integer, String> commits = new GroupCommit<>(50, group -> {
            groups.add(group);
            if (groups.size() == 1) {
                firstStarted.countDown();
                await(release);
            }
            return group.stream().map(i -> GroupCommit.Outcome.of("v" + i)).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(11);
        try {
            Future<String> first = callers.submit(() -> commits.submit(0));
            assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
            List<Future<String>> others = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                int request = i;
                others.add(callers.submit(() -> commits.submit(request)));
            }
            // all ten are queued behind the first commit before it ends
            waitUntil(() -> commits.waitingCount() == 10);
            release.countDown();
            assertEquals("v0", first.get(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 10; i++) {
                assertEquals("v" + i, others.get(i - 1).get(5, TimeUnit.SECONDS));
            }
            assertEquals(2, groups.size(), "ten replies that waited together are one commit: " + groups);
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), groups.get(1).stream().sorted().toList());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aGroupIsNeverLargerThanItsMaximum() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Integer, Integer> commits = new GroupCommit<>(3, group -> {
            groups.add(group);
            if (groups.size() == 1) {
                firstStarted.countDown();
                await(release);
            }
            return group.stream().map(GroupCommit.Outcome::of).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> all = new ArrayList<>();
            all.add(callers.submit(() -> commits.submit(0)));
            assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 7; i++) {
                int request = i;
                all.add(callers.submit(() -> commits.submit(request)));
            }
            waitUntil(() -> commits.waitingCount() == 7);
            release.countDown();
            for (int i = 0; i <= 7; i++) {
                assertEquals(i, all.get(i).get(5, TimeUnit.SECONDS));
            }
            assertTrue(groups.stream().allMatch(g -> g.size() <= 3), groups.toString());
            assertEquals(8, groups.stream().mapToInt(List::size).sum());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void oneRequestsFailureIsItsCallersAloneAndAFailedCommitFailsTheGroup() {
        GroupCommit<Integer, String> commits = new GroupCommit<>(10, group -> group.stream()
                .map(i -> i == 2 ? GroupCommit.Outcome.<String>failed(new IllegalStateException("conversation closed"))
                        : GroupCommit.Outcome.of("v" + i)).toList());
        assertEquals("v1", commits.submit(1));
        assertEquals("conversation closed", assertThrows(IllegalStateException.class, () -> commits.submit(2)).getMessage());
        assertEquals("v3", commits.submit(3));

        GroupCommit<Integer, String> broken = new GroupCommit<>(10, group -> {
            throw new IllegalStateException("broker down");
        });
        assertEquals("broker down", assertThrows(IllegalStateException.class, () -> broken.submit(1)).getMessage());
        // and the next one is not left waiting behind the failed commit
        assertEquals("broker down", assertThrows(IllegalStateException.class, () -> broken.submit(2)).getMessage());
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(10);
        }
    }
}
