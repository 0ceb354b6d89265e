package io.switchboard.channel.sms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jsmpp.bean.TypeOfNumber;
import org.junit.jupiter.api.Test;

class SmsTextTest {

    /** 300 characters: Chinese, with emoji placed where a cut by UTF-16 units would tear them. */
    static String chinese300() {
        StringBuilder sb = new StringBuilder();
        String phrase = "您好，您的快递已到达小区驿站，请凭取件码领取。如有疑问请回复本短信。";
        int n = 0;
        int emoji = 0;
        while (sb.codePointCount(0, sb.length()) < 300) {
            int units = sb.length();
            // units 66-67, 133-134...: a surrogate pair there would straddle a 67-unit part boundary
            if (units % 67 == 66) {
                sb.append(emoji++ % 2 == 0 ? "😀" : "👍");
            } else {
                sb.append(phrase.charAt(n % phrase.length()));
            }
            n++;
        }
        return sb.toString();
    }

    static String reassemble(List<SmsText.Segment> segments) {
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        int total = segments.size();
        for (int i = 0; i < segments.size(); i++) {
            SmsText.Segment s = segments.get(i);
            SmsText.Parsed p = SmsText.parse(s.esmClass(), s.shortMessage());
            if (total > 1) {
                assertEquals(total, p.total());
                assertEquals(i + 1, p.sequence());
            }
            octets.writeBytes(p.payload());
        }
        return SmsText.decode(segments.get(0).dataCoding(), octets.toByteArray());
    }

    @Test
    void threeHundredChineseCharactersAreFiveUcs2PartsThatReassembleExactly() {
        String text = chinese300();
        assertEquals(300, text.codePointCount(0, text.length()));
        assertTrue(text.contains("😀") && text.contains("👍"));
        SmsText.Encoded encoded = SmsText.encode(text);
        assertEquals(SmsText.Coding.UCS2, encoded.coding());
        List<SmsText.Segment> segments = encoded.segments(42);
        assertEquals(5, segments.size());
        for (SmsText.Segment s : segments) {
            assertEquals(SmsText.UCS2, s.dataCoding());
            assertEquals(SmsText.UDHI, s.esmClass());
            assertTrue(s.shortMessage().length <= 140, "a part fits 140 octets");
            assertArrayEquals(new byte[]{5, 0, 3, 42, 5}, java.util.Arrays.copyOf(s.shortMessage(), 5));
            // each part is whole UCS-2 on its own: no surrogate pair cut in two
            String alone = SmsText.decode(SmsText.UCS2, SmsText.parse(s.esmClass(), s.shortMessage()).payload());
            assertFalse(Character.isHighSurrogate(alone.charAt(alone.length() - 1)), "part ends in half an emoji");
            assertFalse(Character.isLowSurrogate(alone.charAt(0)), "part starts with half an emoji");
            assertTrue(alone.length() <= 67);
        }
        assertEquals(text, reassemble(segments));
    }

    @Test
    void seventyUcs2UnitsGoAsOneAndSeventyOneAsTwo() {
        assertEquals(1, SmsText.encode("中".repeat(70)).parts());
        assertEquals(2, SmsText.encode("中".repeat(71)).parts());
        assertEquals(0, SmsText.encode("中".repeat(70)).segments(1).get(0).esmClass());
        // an emoji is two units: 69 + 1 emoji = 71 units
        SmsText.Encoded e = SmsText.encode("中".repeat(69) + "😀");
        assertEquals(2, e.parts());
        assertEquals("中".repeat(69) + "😀", reassemble(e.segments(9)));
    }

    @Test
    void latinTextIsGsm7With160And153SeptetLimits() {
        SmsText.Encoded one = SmsText.encode("a".repeat(160));
        assertEquals(SmsText.Coding.GSM7, one.coding());
        assertEquals(1, one.parts());
        SmsText.Encoded two = SmsText.encode("a".repeat(161));
        assertEquals(2, two.parts());
        assertEquals(153, two.chunks().get(0).length);
        assertEquals(SmsText.GSM7, two.segments(1).get(0).dataCoding());
        // an extension character costs two septets, and the pair is never cut
        String euro = "a".repeat(152) + "€" + "b".repeat(10);
        SmsText.Encoded e = SmsText.encode(euro);
        assertEquals(152, e.chunks().get(0).length);
        assertEquals(euro, reassemble(e.segments(3)));
        assertEquals(1, SmsText.encode("€".repeat(80)).parts());
        assertEquals(2, SmsText.encode("€".repeat(81)).parts());
    }

    @Test
    void gsm7MapsTheDefaultAlphabetAndItsExtension() {
        assertEquals(128, Gsm7.BASIC.length());
        String text = "Hello @home £5 ¥ {x} [y] ~ | € ^ \\ Ünïcode? ñ à ΔΦΓ\n";
        assertFalse(Gsm7.canEncode("ï"), "ï is not in GSM 03.38");
        String gsm = text.replace("ï", "i");
        assertTrue(Gsm7.canEncode(gsm));
        byte[] septets = Gsm7.encode(gsm);
        assertEquals(0x00, septets[6], "@ is septet 0");
        assertEquals(gsm, Gsm7.decode(septets));
        assertEquals(SmsText.Coding.UCS2, SmsText.encode(text).coding(), "one character outside GSM-7 makes it UCS-2");
        assertEquals(SmsText.Coding.UCS2, SmsText.encode("ok 👍").coding());
    }

    @Test
    void sixteenBitReferencesAndOtherHeaderElementsAreRead() {
        byte[] payload = "好".getBytes(StandardCharsets.UTF_16BE);
        // port addressing IE (0x05) before a 16-bit concatenation IE (0x08)
        byte[] sm = new byte[]{12, 0x05, 4, 0x0B, (byte) 0x84, 0x23, (byte) 0xF0, 0x08, 4, 0x12, 0x34, 3, 2,
                payload[0], payload[1]};
        SmsText.Parsed p = SmsText.parse(SmsText.UDHI, sm);
        assertEquals(0x1234, p.reference());
        assertEquals(3, p.total());
        assertEquals(2, p.sequence());
        assertEquals("好", SmsText.decode(SmsText.UCS2, p.payload()));
        // without UDHI the octets are all text
        assertEquals(1, SmsText.parse(0, sm).total());
        // a header that contradicts itself is read as a single message
        assertEquals(1, SmsText.parse(SmsText.UDHI, new byte[]{5, 0, 3, 1, 2, 7, 0x41}).total());
    }

    @Test
    void dataCodingsFromTheSmsc() {
        assertEquals("Hi", SmsText.decode(0x01, "Hi".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("café", SmsText.decode(0x03, "café".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("你好😀", SmsText.decode(0x18, "你好😀".getBytes(StandardCharsets.UTF_16BE)), "UCS-2 with a class");
        assertEquals("@", SmsText.decode(0xF0, new byte[]{0}), "GSM-7 with a class");
    }

    @Test
    void tooLongForTheHeaderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SmsText.encode("长".repeat(67 * 255 + 1)));
        assertThrows(IllegalArgumentException.class, () -> SmsText.encode(""));
    }

    @Test
    void numbersBecomeE164() {
        PhoneNumbers cn = new PhoneNumbers("86");
        assertEquals("+8613800138000", cn.e164(TypeOfNumber.INTERNATIONAL.value(), "8613800138000"));
        assertEquals("+8613800138000", cn.e164(TypeOfNumber.NATIONAL.value(), "13800138000"));
        assertEquals("+8613800138000", cn.e164(TypeOfNumber.UNKNOWN.value(), "13800138000"));
        assertEquals("+8613800138000", cn.e164(TypeOfNumber.UNKNOWN.value(), "8613800138000"));
        assertEquals("+8613800138000", cn.e164(TypeOfNumber.UNKNOWN.value(), "+86 138 0013 8000"));
        assertEquals("+447700900123", cn.e164(TypeOfNumber.UNKNOWN.value(), "00447700900123"));
        assertEquals("+861087654321", cn.e164(TypeOfNumber.NATIONAL.value(), "01087654321"));
        assertEquals("Bank", cn.e164(TypeOfNumber.ALPHANUMERIC.value(), "Bank"));
        assertEquals("8613800138000", PhoneNumbers.destination("+8613800138000").address());
        assertThrows(IllegalArgumentException.class, () -> PhoneNumbers.destination("13800138000"));
        assertEquals(TypeOfNumber.ALPHANUMERIC, PhoneNumbers.source("Switchboard").ton());
        assertEquals(TypeOfNumber.INTERNATIONAL, PhoneNumbers.source("+8610690000").ton());
    }

    @Test
    void smscIdsAreMatchedInHexAndDecimal() {
        assertEquals(List.of("5b0a1c2", "95461826"), Outbox.spellings("5B0A1C2"));
        assertTrue(Outbox.spellings("95461826").contains("5b0a1c2"));
    }
}
