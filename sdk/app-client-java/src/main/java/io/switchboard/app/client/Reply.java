package io.switchboard.app.client;

/** An agent's (or the bot's) message to the app user, in the order sent, exactly once. */
public final class Reply {

    private final long seq;
    private final String id;
    private final String time;
    private final String agent;
    private final String text;

    Reply(long seq, String id, String time, String agent, String text) {
        this.seq = seq;
        this.id = id;
        this.time = time;
        this.agent = agent;
        this.text = text;
    }

    /** 1, 2, 3… per app user: what the client resumes from. */
    public long seq() {
        return seq;
    }

    public String id() {
        return id;
    }

    /** ISO-8601 instant, as sent. */
    public String time() {
        return time;
    }

    /** The agent's id; null for the bot or the system. */
    public String agent() {
        return agent;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return "Reply #" + seq + " " + text;
    }
}
