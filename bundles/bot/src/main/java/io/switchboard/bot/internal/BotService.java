package io.switchboard.bot.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bot.BotSkill;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The bundle's one DS component: it migrates the knowledge base's table, owns the bundle's
 * CamelContext (the route answering {@code sb.bot}) and publishes {@code /switchboard/api/kb}.
 * Configured by {@code etc/io.switchboard.bot.cfg}; a change restarts it with the new values.
 */
@Component(immediate = true, configurationPid = "io.switchboard.bot")
@Designate(ocd = BotService.Config.class)
public class BotService {

    @ObjectClassDefinition(name = "Switchboard bot")
    public @interface Config {
        @AttributeDefinition(description = "Least confidence (0..1) with which the bot answers from an article;"
                + " below it the conversation goes to a human")
        double minConfidence() default 0.35;

        @AttributeDefinition(description = "Comma-separated phrases by which a customer asks for a human")
        String handoffKeywords() default "人工,转人工,人工客服,agent,human,real person";

        @AttributeDefinition(description = "Comma-separated skills (name or name:level) a hand-off needs, unless"
                + " the article it is about names its own")
        String handoffSkills() default "general";

        @AttributeDefinition(description = "What the bot says to a message that is only a greeting (empty: hand it over)")
        String greeting() default "您好！我是智能客服，请问有什么可以帮您？";

        @AttributeDefinition(description = "Comma-separated greetings that get the greeting")
        String greetingWords() default "你好,您好,在吗,在不在,哈喽,嗨,hi,hello,hey,good morning,good afternoon,good evening";

        @AttributeDefinition(description = "What the bot says when it hands the conversation to a human (empty: nothing)")
        String fallbackAnswer() default "这个问题我帮您转接人工客服，请稍候。";

        @AttributeDefinition(description = "Comma-separated words by which a customer ends a skill's dialogue (book a pickup...)")
        String cancelWords() default "取消,算了,不用了,不要了,cancel,stop";

        @AttributeDefinition(description = "What the bot says when the customer ends a skill's dialogue")
        String cancelled() default "好的，已为您取消。还有什么可以帮您？";

        @AttributeDefinition(description = "Turns after which a skill's unfinished dialogue goes to a human")
        int maxTurns() default 12;
    }

    /** Skills come and go with their plugins; a message sees the ones there when it arrives. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<BotSkill> skills = List.of();

    private final BundleRoutes routes;
    private final RestEndpoint endpoint;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public BotService(BundleContext context, Config config, @Reference Bus bus, @Reference Store store,
                      @Reference AgentDesk desk) throws Exception {
        store.migrate(KnowledgeBase.CHANGELOG, BotService.class.getClassLoader());
        Bot.Policy policy = Bot.Policy.of(config.minConfidence(), config.handoffKeywords(), config.handoffSkills(),
                config.greeting(), config.greetingWords(), config.fallbackAnswer());
        KnowledgeBase kb = new KnowledgeBase(store);
        Bot bot = new Bot(policy, kb::matcher);
        CanonicalJson json = new CanonicalJson();
        BotRoutes.DialoguePolicy dialogue = new BotRoutes.DialoguePolicy(Phrases.parse(config.cancelWords()),
                config.cancelled(), Math.max(2, config.maxTurns()));
        routes = BundleRoutes.start(context, "switchboard-bot", bus, new BotRoutes(bot, desk, json,
                new Dialogues(store, json), this::skills, dialogue));
        try {
            endpoint = RestEndpoint.publish(context, "/kb", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                    new KnowledgeBaseApi(kb, bot));
        } catch (RuntimeException e) {
            routes.close();
            throw e;
        }
        // last: only a channel that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new DialogueData(), null);
    }

    /** By name, so which skill opens a dialogue does not depend on the order plugins started in. */
    private List<BotSkill> skills() {
        return skills.stream().sorted(Comparator.comparing(BotSkill::name)).toList();
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        endpoint.close();
        routes.close();
    }
}
