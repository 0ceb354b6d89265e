package io.switchboard.channel.sms.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to short messages and back. Out: GSM-7 when every character is in the default alphabet
 * (Latin text), UCS-2 otherwise (Chinese, emoji); one SMS when it fits (160 septets / 70 UCS-2
 * units), else parts of 153 / 67 behind a concatenation header (UDH IEI 0x00, 8-bit reference).
 * A part never ends inside an escape pair or a surrogate pair, so every part is readable on its own
 * and an emoji is never torn in two. In: the header (IEI 0x00 or 0x08) is taken off and the octets
 * of all parts are joined before decoding, so a sender that did tear a pair is still read right.
 */
final class SmsText {

    static final int GSM7 = 0x00;
    static final int UCS2 = 0x08;
    /** esm_class: the short message begins with a user data header. */
    static final int UDHI = 0x40;
    static final int MAX_PARTS = 255;

    enum Coding {
        GSM7(SmsText.GSM7, 160, 153), UCS2(SmsText.UCS2, 140, 134);

        final int dataCoding;
        /** Octets (septets for GSM-7) of a message sent whole. */
        final int whole;
        /** Octets left per part after the 6-octet concatenation header. */
        final int perPart;

        Coding(int dataCoding, int whole, int perPart) {
            this.dataCoding = dataCoding;
            this.whole = whole;
            this.perPart = perPart;
        }
    }

    /** One submit_sm's worth: data_coding, esm_class and the short_message octets (header included). */
    record Segment(int dataCoding, int esmClass, byte[] shortMessage) {
    }

    /** A text cut into the octets of its parts, before the headers go on. */
    record Encoded(Coding coding, List<byte[]> chunks) {

        int parts() {
            return chunks.size();
        }

        /** The segments to submit; {@code reference} tells this message's parts from another's at the phone. */
        List<Segment> segments(int reference) {
            if (chunks.size() == 1) {
                return List.of(new Segment(coding.dataCoding, 0, chunks.get(0)));
            }
            List<Segment> segments = new ArrayList<>(chunks.size());
            for (int n = 0; n < chunks.size(); n++) {
                byte[] chunk = chunks.get(n);
                byte[] sm = new byte[6 + chunk.length];
                sm[0] = 5;                      // UDHL
                sm[1] = 0x00;                   // IEI: concatenated message, 8-bit reference
                sm[2] = 3;                      // IE length
                sm[3] = (byte) reference;
                sm[4] = (byte) chunks.size();
                sm[5] = (byte) (n + 1);
                System.arraycopy(chunk, 0, sm, 6, chunk.length);
                segments.add(new Segment(coding.dataCoding, UDHI, sm));
            }
            return segments;
        }
    }

    /** A received short message: its place in a concatenated message (1 of 1 if none) and its text octets. */
    record Parsed(int reference, int total, int sequence, byte[] payload) {
        boolean concatenated() {
            return total > 1;
        }
    }

    private SmsText() {
    }

    static Encoded encode(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an SMS needs text");
        }
        Coding coding = Gsm7.canEncode(text) ? Coding.GSM7 : Coding.UCS2;
        // each code point's octets; the units a part may not be cut inside
        List<byte[]> units = new ArrayList<>(text.length());
        int total = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String ch = text.substring(i, i + Character.charCount(cp));
            byte[] u = coding == Coding.GSM7 ? Gsm7.encode(ch) : ch.getBytes(StandardCharsets.UTF_16BE);
            units.add(u);
            total += u.length;
            i += ch.length();
        }
        if (total <= coding.whole) {
            return new Encoded(coding, List.of(join(units)));
        }
        List<byte[]> chunks = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream(coding.perPart);
        for (byte[] u : units) {
            if (current.size() + u.length > coding.perPart) {
                chunks.add(current.toByteArray());
                current.reset();
            }
            current.writeBytes(u);
        }
        chunks.add(current.toByteArray());
        if (chunks.size() > MAX_PARTS) {
            throw new IllegalArgumentException("text needs " + chunks.size() + " SMS parts; at most " + MAX_PARTS);
        }
        return new Encoded(coding, chunks);
    }

    /**
     * Takes the concatenation header off a received short message. Other information elements in the
     * header (ports, national language shifts) are skipped; a message whose header is malformed is
     * read as it came, header bytes and all, rather than refused.
     */
    static Parsed parse(int esmClass, byte[] sm) {
        if ((esmClass & UDHI) == 0 || sm.length == 0) {
            return new Parsed(0, 1, 1, sm);
        }
        int udhl = sm[0] & 0xFF;
        if (udhl + 1 > sm.length) {
            return new Parsed(0, 1, 1, sm);
        }
        int reference = 0;
        int total = 1;
        int sequence = 1;
        int p = 1;
        while (p + 1 <= udhl) {
            int iei = sm[p] & 0xFF;
            int len = sm[p + 1] & 0xFF;
            if (p + 2 + len > udhl + 1) {
                break;
            }
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
        if (total < 1 || sequence < 1 || sequence > total) {
            // a header that contradicts itself: deliver the part as a message of its own
            total = 1;
            sequence = 1;
        }
        byte[] payload = new byte[sm.length - udhl - 1];
        System.arraycopy(sm, udhl + 1, payload, 0, payload.length);
        return new Parsed(reference, total, sequence, payload);
    }

    /**
     * Octets to text by SMPP's data_coding: 0 GSM-7 (the SMSC default), 1 IA5/ASCII, 3 Latin-1,
     * 8 UCS-2 big-endian (read as UTF-16, so surrogate pairs come out whole), 6 Cyrillic, 7 Hebrew;
     * the GSM DCS groups 0x1x and 0xFx by their alphabet bits; 8-bit data as Latin-1.
     */
    static String decode(int dataCoding, byte[] octets) {
        int dc = dataCoding & 0xFF;
        return switch (dc) {
            case 0x00 -> Gsm7.decode(octets);
            case 0x01 -> new String(octets, StandardCharsets.US_ASCII);
            case 0x03, 0x02, 0x04 -> new String(octets, StandardCharsets.ISO_8859_1);
            case 0x06 -> new String(octets, Charset.forName("ISO-8859-5"));
            case 0x07 -> new String(octets, Charset.forName("ISO-8859-8"));
            case 0x08 -> ucs2(octets);
            default -> {
                int alphabet;
                if ((dc & 0xF0) == 0xF0) {
                    alphabet = (dc & 0x04) == 0 ? 0 : 1;
                } else if ((dc & 0xC0) == 0x00) {
                    alphabet = (dc >> 2) & 0x03;
                } else {
                    alphabet = 0;
                }
                yield switch (alphabet) {
                    case 1 -> new String(octets, StandardCharsets.ISO_8859_1);
                    case 2 -> ucs2(octets);
                    default -> Gsm7.decode(octets);
                };
            }
        };
    }

    private static String ucs2(byte[] octets) {
        int even = octets.length & ~1;
        return new String(octets, 0, even, StandardCharsets.UTF_16BE);
    }

    private static byte[] join(List<byte[]> units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        units.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
