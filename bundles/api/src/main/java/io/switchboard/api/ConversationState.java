package io.switchboard.api;

/** Where a conversation is in its life; CLOSED may be reopened when the customer writes again. */
public enum ConversationState {
    BOT, QUEUED, ASSIGNED, WAITING, CLOSED;

    public boolean isOpen() {
        return this != CLOSED;
    }
}
