package ${package}.internal;

import io.switchboard.bot.BotSkill;
import io.switchboard.bot.Dialogue;
import io.switchboard.bot.Turn;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The ${skill} skill: the bundle's one DS component, a {@link BotSkill} service the bot offers each
 * new message to. It opens on a keyword, asks for the customer's reference until one comes (the
 * customer may write it in their first message already), and hands the conversation to a person
 * after {@code maxTurns} tries. Configured by {@code etc/${package}.cfg}; a change replaces the
 * component, and a dialogue in progress carries on with the new one (what it knows is in its facts).
 *
 * <p>A skill runs inside the bus transaction of the customer's message and may run again for the same
 * message: what it does outside must be idempotent, keyed by {@link Dialogue#key()}.
 */
@Component(service = BotSkill.class, configurationPid = "${package}")
@Designate(ocd = ${skillClass}Skill.Config.class)
public class ${skillClass}Skill implements BotSkill {

    @ObjectClassDefinition(name = "${skillClass} bot skill")
    public @interface Config {
        @AttributeDefinition(description = "Words that open the dialogue, comma separated, matched anywhere in the message, any case")
        String keywords() default "${skill}";

        @AttributeDefinition(description = "What a reference looks like (a regular expression, any case)")
        String referencePattern() default "[A-Z]{2}[0-9]{6,10}";

        @AttributeDefinition(description = "Turns without a reference after which a person takes over")
        int maxTurns() default 3;

        @AttributeDefinition(description = "Agent skills the hand-off asks for, comma separated (empty: the bot's own)")
        String handOffSkills() default "";
    }

    static final String NAME = "${skill}";
    /** The fact a dialogue keeps: the reference, once the customer gave it. */
    static final String REFERENCE = "reference";

    private final List<String> keywords;
    private final Pattern reference;
    private final int maxTurns;
    private final List<String> handOffSkills;

    @Activate
    public ${skillClass}Skill(Config config) {
        this(config.keywords(), config.referencePattern(), config.maxTurns(), config.handOffSkills());
    }

    ${skillClass}Skill(String keywords, String referencePattern, int maxTurns, String handOffSkills) {
        this.keywords = split(keywords).stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        this.reference = Pattern.compile(referencePattern, Pattern.CASE_INSENSITIVE);
        this.maxTurns = Math.max(1, maxTurns);
        this.handOffSkills = split(handOffSkills);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean opens(Dialogue dialogue, String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        return keywords.stream().anyMatch(t::contains);
    }

    @Override
    public Turn next(Dialogue dialogue, String text) {
        Matcher found = reference.matcher(text == null ? "" : text);
        if (found.find()) {
            String ref = found.group().toUpperCase(Locale.ROOT);
            // the place to act on it (a system request, a work order), keyed by dialogue.key()
            return Turn.done("好的，已收到您的编号 " + ref + "，我们会尽快处理。");
        }
        if (dialogue.turns() + 1 >= maxTurns) {
            return Turn.handOff("我帮您转接人工客服，请稍候。", handOffSkills,
                    NAME + ": no reference after " + (dialogue.turns() + 1) + " messages");
        }
        return Turn.ask("请告诉我您的编号（例如 AB123456）。", Map.of("asked", Integer.toString(dialogue.turns() + 1)));
    }

    private static List<String> split(String list) {
        return list == null ? List.of() : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
