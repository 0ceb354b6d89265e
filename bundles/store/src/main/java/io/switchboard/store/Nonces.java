package io.switchboard.store;

import java.time.Instant;

/**
 * The nonces of signed requests seen so far, so that a request captured on the way (from a log, a
 * proxy) is taken once however often it is sent again within its signature's time window. Kept in
 * the database: across a restart, and for every node alike.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Nonces {

    /**
     * Claims {@code nonce} in {@code scope} (one sender: an account, a system) until {@code until}, the
     * end of the window in which its signature is accepted.
     *
     * @return true for the first claim; false while an earlier claim of it stands
     * @throws StoreException when the database cannot say
     */
    boolean claim(String scope, String nonce, Instant until);

    /**
     * Gives a claim back: the request it came with was not taken (the bus was away, a 503), and the
     * sender's retry of the same request must be.
     */
    void release(String scope, String nonce);
}
