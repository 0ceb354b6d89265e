package io.switchboard.flows.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import io.switchboard.bot.BotSkill;
import io.switchboard.bot.Dialogue;
import io.switchboard.bot.Turn;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.workorders.WorkOrder;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bot's side of flow 1: a customer who wants oversized luggage shipped is asked, one thing at a
 * time, for its weight and size, the pickup address, a time and a phone number for the courier; a
 * message may answer several at once. From weight and size it works out the vehicle and bag, reads
 * the whole back, and on "确认" books it through {@link PickupFlows}.
 */
final class LuggageSkill implements BotSkill {

    static final String NAME = "luggage-pickup";

    /** What opens the dialogue and the thresholds for vehicle and bag. */
    record Settings(List<String> keywords, Luggage.Thresholds thresholds) {
    }

    private final PickupFlows pickups;
    private final CustomerDirectory directory;
    private final Supplier<Settings> settings;

    LuggageSkill(PickupFlows pickups, CustomerDirectory directory, Supplier<Settings> settings) {
        this.pickups = pickups;
        this.directory = directory;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean opens(Dialogue dialogue, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return settings.get().keywords().stream().anyMatch(k -> !k.isBlank() && t.contains(k.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Turn next(Dialogue dialogue, String text) {
        Map<String, String> facts = new LinkedHashMap<>(dialogue.facts());
        String asking = facts.get("asking");
        if (dialogue.turns() == 0) {
            facts.put("item", shorten(text.strip(), 200));
        }
        if ("confirm".equals(asking) && Luggage.agrees(text)) {
            return book(dialogue, facts);
        }
        boolean learnt = absorb(text, asking, facts);
        if ("confirm".equals(asking) && !learnt) {
            return Turn.ask("确认请回复“确认”；需要修改请直接发送新的信息，或回复“取消”。", facts);
        }
        return askNext(dialogue, facts, asking, learnt);
    }

    /** @return whether the message told anything new */
    private boolean absorb(String text, String asking, Map<String, String> facts) {
        boolean learnt = false;
        Optional<BigDecimal> kg = Luggage.weightKg(text);
        if (kg.isPresent()) {
            facts.put("weightKg", kg.get().toPlainString());
            learnt = true;
        }
        Optional<String> size = Luggage.sizeCm(text);
        if (size.isPresent()) {
            facts.put("sizeCm", size.get());
            learnt = true;
        }
        Optional<String> phone = Luggage.phone(text);
        if (phone.isPresent()) {
            facts.put("phone", phone.get());
            learnt = true;
        }
        if (("address".equals(asking) || "confirm".equals(asking)) && Luggage.looksLikeAddress(text)
                && kg.isEmpty() && size.isEmpty()) {
            facts.put("address", shorten(text.strip(), 300));
            learnt = true;
        } else if (("window".equals(asking) || "confirm".equals(asking)) && Luggage.looksLikeTime(text)) {
            facts.put("window", shorten(text.strip(), 100));
            learnt = true;
        }
        return learnt;
    }

    private Turn askNext(Dialogue dialogue, Map<String, String> facts, String asked, boolean learnt) {
        String again = learnt || asked == null ? "" : "抱歉，我没能看懂。";
        if (facts.get("weightKg") == null || facts.get("sizeCm") == null) {
            facts.put("asking", "measures");
            return Turn.ask(again + "好的，我来帮您安排上门取件。请告诉我行李的大致重量和尺寸（长×宽×高，厘米），例如：30公斤，120x80x50。", facts);
        }
        if (facts.get("address") == null) {
            facts.put("asking", "address");
            return Turn.ask(again + "请告诉我上门取件的详细地址。", facts);
        }
        if (facts.get("window") == null) {
            facts.put("asking", "window");
            return Turn.ask(again + "希望什么时间上门？例如：明天下午 14:00-16:00。", facts);
        }
        if (facts.get("phone") == null) {
            Optional<String> known = knownPhone(dialogue);
            if (known.isPresent()) {
                facts.put("phone", known.get());
            } else {
                facts.put("asking", "phone");
                return Turn.ask(again + "请留一个快递员可以联系您的手机号。", facts);
            }
        }
        facts.put("asking", "confirm");
        Luggage.Needs needs = needs(facts);
        return Turn.ask("请确认取件信息：\n物品：" + facts.get("item") + "\n重量：" + facts.get("weightKg") + " 公斤，尺寸："
                + facts.get("sizeCm") + " 厘米\n地址：" + facts.get("address") + "\n时间：" + facts.get("window") + "\n电话："
                + facts.get("phone") + "\n快递员将携带：" + needs.carry() + "\n确认请回复“确认”，修改请直接发送新的信息。", facts);
    }

    private Turn book(Dialogue dialogue, Map<String, String> facts) {
        Luggage.Needs needs = needs(facts);
        String name = null;
        try {
            name = directory.customer(dialogue.customerId()).name();
        } catch (NoSuchElementException e) {
            // merged away or gone: the courier still has the phone number
        }
        WorkOrder w = pickups.order(new PickupFlows.Order(dialogue.key(), dialogue.customerId(), dialogue.conversationId(),
                name == null || name.isBlank() ? "客户" : name, facts.get("phone"), facts.get("item"), facts.get("weightKg"),
                facts.get("sizeCm"), facts.get("address"), facts.get("window"), needs));
        return Turn.done("已为您创建取件单 " + w.number() + "。快递员将携带" + needs.carry() + "上门，每一步进展都会通知您。");
    }

    private Luggage.Needs needs(Map<String, String> facts) {
        return Luggage.needs(new BigDecimal(facts.get("weightKg")), facts.get("sizeCm"), settings.get().thresholds());
    }

    /** A phone the customer already gave us: where they write from, or a verified number on their profile. */
    private Optional<String> knownPhone(Dialogue dialogue) {
        ChannelAddress here = dialogue.address();
        if (here != null && ("sms".equals(here.channel()) || "voice".equals(here.channel()))) {
            return Optional.of(here.address());
        }
        try {
            Customer c = directory.customer(dialogue.customerId());
            return c.addresses().stream().filter(a -> "sms".equals(a.channel()) || "voice".equals(a.channel()))
                    .map(ChannelAddress::address).findFirst();
        } catch (NoSuchElementException e) {
            return Optional.empty();
        }
    }

    private static String shorten(String text, int max) {
        return text.codePointCount(0, text.length()) <= max ? text : text.substring(0, text.offsetByCodePoints(0, max));
    }
}
