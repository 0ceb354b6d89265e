package io.switchboard.flows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a customer's words about their luggage are read, and what the courier is told to bring. */
class LuggageTest {

    static final Luggage.Thresholds THRESHOLDS = new Luggage.Thresholds(20, 100, 5, 60, 80);

    @Test
    void weightsInKilogramsAndJin() {
        assertEquals(Optional.of(new BigDecimal("32")), Luggage.weightKg("大概32公斤吧"));
        assertEquals(Optional.of(new BigDecimal("30.5")), Luggage.weightKg("30.5 KG"));
        assertEquals(Optional.of(new BigDecimal("30")), Luggage.weightKg("六十斤，就是60斤"));
        assertEquals(Optional.of(new BigDecimal("12")), Luggage.weightKg("12千克"));
        assertEquals(Optional.empty(), Luggage.weightKg("很重"));
    }

    @Test
    void sizesLongestSideFirst() {
        assertEquals(Optional.of("120x80x50"), Luggage.sizeCm("120x80x50厘米"));
        assertEquals(Optional.of("120x80x50"), Luggage.sizeCm("50×120×80"));
        assertEquals(Optional.of("120x80x50"), Luggage.sizeCm("长120厘米，宽80，高50"));
        assertEquals(Optional.empty(), Luggage.sizeCm("很大一个箱子"));
        assertEquals(Optional.empty(), Luggage.sizeCm("0x80x50"));
    }

    @Test
    void mainlandMobilesAddressesAndTimes() {
        assertEquals(Optional.of("+8613800001111"), Luggage.phone("电话 138-0000-1111"));
        assertEquals(Optional.of("+8613800001111"), Luggage.phone("+86 13800001111"));
        assertEquals(Optional.empty(), Luggage.phone("12345678901"));
        assertTrue(Luggage.looksLikeAddress("上海市浦东新区世纪大道100号"));
        assertFalse(Luggage.looksLikeAddress("上海"));
        assertTrue(Luggage.looksLikeTime("明天下午 14:00-16:00"));
        assertFalse(Luggage.looksLikeTime("随便"));
        assertTrue(Luggage.agrees("确认"));
        assertTrue(Luggage.agrees("好的！"));
        assertFalse(Luggage.agrees("确认一下地址对不对"));
    }

    @Test
    void theVehicleAndBagFollowWeightAndSize() {
        Luggage.Needs oversized = Luggage.needs(new BigDecimal("32"), "120x80x50", THRESHOLDS);
        assertEquals("van", oversized.vehicle());
        assertEquals("large-bag", oversized.packaging());
        assertEquals("需要厢式货车和大号行李袋 (needs a van and a large bag)", oversized.requirement());
        assertEquals("car", Luggage.needs(new BigDecimal("8"), "70x40x30", THRESHOLDS).vehicle());
        assertEquals("standard-bag", Luggage.needs(new BigDecimal("8"), "70x40x30", THRESHOLDS).packaging());
        assertEquals("bike", Luggage.needs(new BigDecimal("3"), "40x30x20", THRESHOLDS).vehicle());
        assertEquals("van", Luggage.needs(new BigDecimal("3"), "150x30x20", THRESHOLDS).vehicle(), "long, if light");
    }
}
