package io.switchboard.workorders.internal;

import io.switchboard.bot.BotSkill;
import io.switchboard.bot.Dialogue;
import io.switchboard.bot.Turn;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * A survey's answer written to the bot ("5", "4分", "★★★★") is the score of the customer's work
 * order waiting for one, and is thanked for, instead of being handed to a human as a question the
 * bot cannot answer. The sweep still reads answers that reach an agent's conversation.
 */
final class SurveySkill implements BotSkill {

    static final String NAME = "survey";

    private final Board board;
    private final Supplier<String> thanks;

    SurveySkill(Board board, Supplier<String> thanks) {
        this.board = board;
        this.thanks = thanks;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean opens(Dialogue dialogue, String text) {
        return dialogue.customerId() != null && Scores.parse(text).isPresent()
                && board.surveyAwaiting(dialogue.customerId()).isPresent();
    }

    @Override
    public Turn next(Dialogue dialogue, String text) {
        OptionalInt score = Scores.parse(text);
        Optional<String> order = board.surveyAwaiting(dialogue.customerId());
        if (score.isEmpty() || order.isEmpty()) {
            // answered meanwhile (a redelivery after the rating): say thanks once more, nothing else
            return score.isPresent() ? Turn.done(thanks.get()) : Turn.decline();
        }
        board.rate(order.get(), score.getAsInt(), "customer");
        return Turn.done(thanks.get());
    }
}
