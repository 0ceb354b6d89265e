package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.ChannelAddress;
import io.switchboard.bot.Dialogue;
import io.switchboard.bot.Turn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The skill's dialogue, turn by turn, as the bot drives it: the facts of one turn go into the next. */
class ${skillClass}SkillTest {

    final ${skillClass}Skill skill = new ${skillClass}Skill("${skill}, 查询编号", "[A-Z]{2}[0-9]{6,10}", 3, "support, 售后");

    static Dialogue dialogue(Map<String, String> facts, int turns) {
        return new Dialogue("conv-1", "cust-1", new ChannelAddress("webchat", "user-1"), ${skillClass}Skill.NAME, facts, turns);
    }

    @Test
    void opensOnAKeywordInAnyCase() {
        assertTrue(skill.opens(dialogue(Map.of(), 0), "我想查询编号的进度"));
        assertTrue(skill.opens(dialogue(Map.of(), 0), "About ${skill.toUpperCase()}, please"));
        assertFalse(skill.opens(dialogue(Map.of(), 0), "你好"));
        assertFalse(skill.opens(dialogue(Map.of(), 0), null));
    }

    @Test
    void aReferenceInTheFirstMessageEndsTheDialogueAtOnce() {
        Turn turn = skill.next(dialogue(Map.of(), 0), "查询编号 ab12345678");
        assertEquals(Turn.Outcome.DONE, turn.outcome());
        assertTrue(turn.say().contains("AB12345678"), turn.say());
    }

    @Test
    void asksUntilTheReferenceComes() {
        Turn first = skill.next(dialogue(Map.of(), 0), "查询编号");
        assertEquals(Turn.Outcome.ASK, first.outcome());

        Turn second = skill.next(dialogue(first.facts(), 1), "是 CN20261123");
        assertEquals(Turn.Outcome.DONE, second.outcome());
        assertTrue(second.say().contains("CN20261123"), second.say());
    }

    @Test
    void aPersonTakesOverAfterMaxTurnsWithoutAReference() {
        Turn first = skill.next(dialogue(Map.of(), 0), "查询编号");
        Turn second = skill.next(dialogue(first.facts(), 1), "我不知道");
        assertEquals(Turn.Outcome.ASK, second.outcome());

        Turn third = skill.next(dialogue(second.facts(), 2), "还是不知道");
        assertEquals(Turn.Outcome.HAND_OFF, third.outcome());
        assertEquals(List.of("support", "售后"), third.skills());
        assertTrue(third.reason().contains("${skill}"), third.reason());
    }
}
