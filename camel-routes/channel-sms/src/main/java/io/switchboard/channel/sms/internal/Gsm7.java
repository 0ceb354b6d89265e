package io.switchboard.channel.sms.internal;

import java.io.ByteArrayOutputStream;

/**
 * The GSM 03.38 default alphabet and its extension table, as SMPP carries data_coding 0: one
 * septet per octet, unpacked. A character of the extension table costs two septets (ESC, code),
 * which is why a 160-character limit is really a 160-septet one.
 */
final class Gsm7 {

    static final int ESCAPE = 0x1B;

    /** Code point of each septet 0x00-0x7F; 0x1B is the escape, never a character. */
    static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    static final String EXTENDED = "\f^{}\\[~]|€";
    private static final int[] EXTENDED_CODES = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};

    private Gsm7() {
    }

    /** Septets {@code c} takes: 1, 2 (extension table), or 0 if it is not in the alphabet. */
    static int septets(char c) {
        if (c != ESCAPE && BASIC.indexOf(c) >= 0) {
            return 1;
        }
        return EXTENDED.indexOf(c) >= 0 ? 2 : 0;
    }

    static boolean canEncode(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (septets(text.charAt(i)) == 0) {
                return false;
            }
        }
        return true;
    }

    static byte[] encode(CharSequence text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int basic = c == ESCAPE ? -1 : BASIC.indexOf(c);
            if (basic >= 0) {
                out.write(basic);
                continue;
            }
            int ext = EXTENDED.indexOf(c);
            if (ext < 0) {
                throw new IllegalArgumentException("not in the GSM 7-bit default alphabet: U+"
                        + Integer.toHexString(c).toUpperCase());
            }
            out.write(ESCAPE);
            out.write(EXTENDED_CODES[ext]);
        }
        return out.toByteArray();
    }

    /**
     * Septets back to text. An escape followed by a code the extension table lacks reads as the
     * basic character, as 03.38 asks of a receiver; a trailing lone escape reads as a space.
     */
    static String decode(byte[] septets) {
        StringBuilder sb = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int s = septets[i] & 0x7F;
            if (s != ESCAPE) {
                sb.append(BASIC.charAt(s));
            } else if (i + 1 < septets.length) {
                int code = septets[++i] & 0x7F;
                sb.append(extended(code));
            } else {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static char extended(int code) {
        for (int k = 0; k < EXTENDED_CODES.length; k++) {
            if (EXTENDED_CODES[k] == code) {
                return EXTENDED.charAt(k);
            }
        }
        return code == ESCAPE ? ' ' : BASIC.charAt(code);
    }
}
