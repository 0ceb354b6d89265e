package io.switchboard.conversation.internal;

import io.switchboard.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Commits requests that arrive together in one go. A caller that finds no commit under way commits
 * its own request and every other one waiting (up to {@code max}); the callers that came meanwhile
 * wait for it, and the first of them then commits what gathered since. Each caller returns its own
 * outcome, or throws its own failure. Alone, a request is committed at once, as it would be without
 * this; under load the database and the broker see one commit for many requests instead of one each
 * (on H2 a commit rewrites every page it touched, whatever it wrote).
 *
 * @param <R> a request
 * @param <T> what a request comes to
 */
final class GroupCommit<R, T> {

    /** One request's outcome: its value, or the failure that is its caller's alone. */
    record Outcome<T>(T value, RuntimeException failure) {

        static <T> Outcome<T> of(T value) {
            return new Outcome<>(value, null);
        }

        static <T> Outcome<T> failed(RuntimeException failure) {
            return new Outcome<>(null, failure);
        }
    }

    private static final class Pending<R, T> {
        final R request;
        Outcome<T> outcome;

        Pending(R request) {
            this.request = request;
        }
    }

    private final int max;
    /** Commits a group: one outcome per request, in their order. A failure thrown fails the whole group. */
    private final Function<List<R>, List<Outcome<T>>> commit;
    private final ArrayDeque<Pending<R, T>> waiting = new ArrayDeque<>();
    private boolean committing;

    GroupCommit(int max, Function<List<R>, List<Outcome<T>>> commit) {
        this.max = Math.max(1, max);
        this.commit = commit;
    }

    T submit(R request) {
        Pending<R, T> mine = new Pending<>(request);
        boolean interrupted = false;
        synchronized (this) {
            waiting.add(mine);
        }
        try {
            while (true) {
                List<Pending<R, T>> group = new ArrayList<>();
                synchronized (this) {
                    while (mine.outcome == null && committing) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            // the request may be in a group being committed: its outcome is still to come
                            interrupted = true;
                        }
                    }
                    if (mine.outcome != null) {
                        return result(mine.outcome);
                    }
                    committing = true;
                    // older requests first, at most max: mine may be left for the next group
                    while (!waiting.isEmpty() && group.size() < max) {
                        group.add(waiting.poll());
                    }
                }
                List<Outcome<T>> outcomes = null;
                // the commit is everyone's: an interrupt meant for this caller's thread must not break
                // the database's or the broker's calls for the others
                interrupted |= Thread.interrupted();
                try {
                    outcomes = commit.apply(group.stream().map(p -> p.request).toList());
                    if (outcomes.size() != group.size()) {
                        throw new StoreException(outcomes.size() + " outcomes for " + group.size() + " requests", null);
                    }
                } catch (RuntimeException e) {
                    outcomes = group.stream().map(p -> Outcome.<T>failed(e)).toList();
                } finally {
                    // even an Error here must not leave the others waiting for a commit that never ends,
                    // nor this caller's request behind for a later group once its caller has gone
                    synchronized (this) {
                        for (int i = 0; i < group.size(); i++) {
                            group.get(i).outcome = outcomes != null ? outcomes.get(i)
                                    : Outcome.failed(new StoreException("the group's commit did not finish", null));
                        }
                        if (outcomes == null) {
                            waiting.remove(mine);
                        }
                        committing = false;
                        notifyAll();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests queued and not yet taken into a commit. */
    synchronized int waitingCount() {
        return waiting.size();
    }

    private static <T> T result(Outcome<T> outcome) {
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.value();
    }
}
