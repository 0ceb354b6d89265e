package io.switchboard.channel.email.internal;

import java.time.Instant;
import java.util.List;

/**
 * A customer's mail as the channel reads it.
 *
 * @param messageId  the Message-ID without angle brackets; for a mail that has none, {@code sha256:} and
 *                   the hash of the mail, so the same mail fetched twice is still one message
 * @param from       the sender's mailbox address, lower-cased: the customer's address on channel email
 * @param references In-Reply-To and References, the nearest first
 */
record ReceivedMail(String messageId, String from, String fromName, String to, String subject,
                    List<String> references, Instant sent, String text, List<Attachment> attachments) {

    /**
     * A file in the mail; {@code inline} for a picture the HTML shows in place.
     *
     * @param content  the bytes; null for a file of a large mail, which is in the attachment store already
     * @param storedId where the attachment store has it; null while it is only in {@code content}
     */
    record Attachment(String name, String mimeType, byte[] content, boolean inline, String storedId) {

        Attachment(String name, String mimeType, byte[] content, boolean inline) {
            this(name, mimeType, content, inline, null);
        }
    }
}
