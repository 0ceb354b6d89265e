package io.switchboard.bot.internal;

import java.time.Instant;
import java.util.List;

/** A small knowledge base in both languages, as an operator would write it. */
final class KnowledgeBaseFixture {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static final Article REFUND = new Article("refund", "如何申请退款",
            "您可以在「我的订单」中点击“申请退款”，款项会在 1-3 个工作日内原路退回。",
            List.of("退款", "退货"), List.of("退款,退钱,refund,money back"), List.of("billing:2"), "zh", true, T0);

    static final Article ADDRESS = new Article("address", "修改收货地址",
            "发货前可在订单详情页修改收货地址；已发货的订单请联系快递员。",
            List.of("修改地址", "收货地址"), List.of("改地址,换地址,change address"), List.of(), "zh", true, T0);

    static final Article DELIVERY = new Article("delivery", "Delivery times",
            "Orders ship within 24 hours and arrive in 2-4 working days.",
            List.of("delivery", "shipping"), List.of("deliver,ship,arrive"), List.of(), "en", true, T0);

    static final Article HOURS = new Article("hours", "客服工作时间",
            "人工客服每天 9:00-21:00 在线。",
            List.of("工作时间", "营业时间"), List.of("几点上班,几点下班,opening hours"), List.of(), "zh", true, T0);

    static final Article INVOICE_DISABLED = new Article("invoice", "开具发票", "发票功能暂停。",
            List.of("发票"), List.of(), List.of(), "zh", false, T0);

    static List<Article> all() {
        return List.of(REFUND, ADDRESS, DELIVERY, HOURS, INVOICE_DISABLED);
    }

    private KnowledgeBaseFixture() {
    }
}
