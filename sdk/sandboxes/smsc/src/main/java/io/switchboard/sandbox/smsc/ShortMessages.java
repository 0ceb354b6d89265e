package io.switchboard.sandbox.smsc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The SMS centre's side of the text rules: GSM 03.38 default alphabet (data_coding 0, one septet per
 * octet as SMPP carries it) or UCS-2 (data_coding 8, big-endian), and concatenation by a user data
 * header. Written apart from the channel's own code on purpose: the flow tests then check two
 * readings of the standard against each other, not one against itself.
 */
public final class ShortMessages {

    public static final int GSM7 = 0x00;
    public static final int UCS2 = 0x08;
    /** esm_class bit: the short message starts with a user data header. */
    public static final int UDHI = 0x40;

    static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    static final String EXTENDED = "\f^{}\\[~]|€";
    static final int[] EXTENDED_CODES = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};

    /** One piece of a message as it travels: its data coding, esm_class and short_message octets. */
    public record Segment(int dataCoding, int esmClass, byte[] shortMessage) {
    }

    /** A short message taken apart: the concatenation header (if any) and the text octets. */
    public record Parsed(int reference, int total, int sequence, byte[] payload) {
        public boolean concatenated() {
            return total > 1;
        }
    }

    private ShortMessages() {
    }

    public static boolean isGsm7(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((BASIC.indexOf(c) < 0 || c == '\u001b') && EXTENDED.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code text} as the segments an SMSC or a phone would send: one if it fits (160 septets or 70
     * UCS-2 units), else parts of 153 / 67 behind a 6-octet header with an 8-bit reference, or 152 / 66
     * behind a 7-octet one with a 16-bit reference. Neither an escape pair nor a surrogate pair is cut.
     */
    public static List<Segment> split(String text, int reference, boolean sixteenBitReference) {
        boolean gsm = isGsm7(text);
        int coding = gsm ? GSM7 : UCS2;
        List<byte[]> units = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            units.add(gsm ? gsm7(ch) : ch.getBytes(StandardCharsets.UTF_16BE));
            i += Character.charCount(cp);
        }
        int whole = units.stream().mapToInt(u -> u.length).sum();
        int single = gsm ? 160 : 140;
        if (whole <= single) {
            return List.of(new Segment(coding, 0, join(units)));
        }
        // what is left of 140 octets after the header: 153 septets or 67 UCS-2 units behind 6 octets
        // (8-bit reference), 152 or 66 behind 7 (16-bit reference)
        int room = gsm ? (sixteenBitReference ? 152 : 153) : (sixteenBitReference ? 132 : 134);
        List<byte[]> chunks = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        for (byte[] u : units) {
            if (current.size() + u.length > room) {
                chunks.add(current.toByteArray());
                current.reset();
            }
            current.writeBytes(u);
        }
        chunks.add(current.toByteArray());
        if (chunks.size() > 255) {
            throw new IllegalArgumentException("a message of more than 255 parts");
        }
        List<Segment> segments = new ArrayList<>();
        for (int n = 0; n < chunks.size(); n++) {
            ByteArrayOutputStream sm = new ByteArrayOutputStream();
            if (sixteenBitReference) {
                sm.writeBytes(new byte[]{6, 0x08, 4, (byte) (reference >> 8), (byte) reference,
                        (byte) chunks.size(), (byte) (n + 1)});
            } else {
                sm.writeBytes(new byte[]{5, 0x00, 3, (byte) reference, (byte) chunks.size(), (byte) (n + 1)});
            }
            sm.writeBytes(chunks.get(n));
            segments.add(new Segment(coding, UDHI, sm.toByteArray()));
        }
        return segments;
    }

    /** The concatenation header of a short message, if it has one; other information elements are skipped. */
    public static Parsed parse(int esmClass, byte[] sm) {
        if ((esmClass & UDHI) == 0 || sm.length == 0) {
            return new Parsed(0, 1, 1, sm);
        }
        int udhl = sm[0] & 0xFF;
        if (udhl + 1 > sm.length) {
            throw new IllegalArgumentException("user data header longer than the message");
        }
        int reference = 0;
        int total = 1;
        int sequence = 1;
        int p = 1;
        while (p + 1 < udhl + 1) {
            int iei = sm[p] & 0xFF;
            int len = sm[p + 1] & 0xFF;
            if (iei == 0x00 && len == 3) {
                reference = sm[p + 2] & 0xFF;
                total = sm[p + 3] & 0xFF;
                sequence = sm[p + 4] & 0xFF;
            } else if (iei == 0x08 && len == 4) {
                reference = ((sm[p + 2] & 0xFF) << 8) | (sm[p + 3] & 0xFF);
                total = sm[p + 4] & 0xFF;
                sequence = sm[p + 5] & 0xFF;
            }
            p += 2 + len;
        }
        byte[] payload = new byte[sm.length - udhl - 1];
        System.arraycopy(sm, udhl + 1, payload, 0, payload.length);
        return new Parsed(reference, total, sequence, payload);
    }

    public static String decode(int dataCoding, byte[] octets) {
        return switch (dataCoding) {
            case UCS2 -> new String(octets, StandardCharsets.UTF_16BE);
            case GSM7 -> fromGsm7(octets);
            case 0x03 -> new String(octets, StandardCharsets.ISO_8859_1);
            default -> new String(octets, StandardCharsets.US_ASCII);
        };
    }

    static byte[] gsm7(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int basic = c == '\u001b' ? -1 : BASIC.indexOf(c);
            if (basic >= 0) {
                out.write(basic);
            } else {
                int ext = EXTENDED.indexOf(c);
                if (ext < 0) {
                    throw new IllegalArgumentException("not in the GSM 7-bit alphabet: " + c);
                }
                out.write(0x1B);
                out.write(EXTENDED_CODES[ext]);
            }
        }
        return out.toByteArray();
    }

    static String fromGsm7(byte[] septets) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < septets.length; i++) {
            int s = septets[i] & 0x7F;
            if (s == 0x1B && i + 1 < septets.length) {
                int next = septets[++i] & 0x7F;
                char ext = ' ';
                for (int k = 0; k < EXTENDED_CODES.length; k++) {
                    if (EXTENDED_CODES[k] == next) {
                        ext = EXTENDED.charAt(k);
                    }
                }
                sb.append(ext);
            } else {
                sb.append(BASIC.charAt(s));
            }
        }
        return sb.toString();
    }

    private static byte[] join(List<byte[]> units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        units.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
