package io.switchboard.channel.sms.internal;

import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;

/**
 * Addresses between SMPP and Switchboard. A customer's number is kept in E.164 with its '+', so
 * the same phone is the same customer whether it texts or calls; SMSCs send it in whichever form
 * their type of number says, and {@code countryCode} settles the national ones.
 */
final class PhoneNumbers {

    /** An address as SMPP wants it: type of number, numbering plan, and the digits or name. */
    record SmppAddress(TypeOfNumber ton, NumberingPlanIndicator npi, String address) {
    }

    private final String countryCode;

    PhoneNumbers(String countryCode) {
        this.countryCode = countryCode == null ? "" : countryCode.strip().replaceFirst("^\\+", "");
    }

    /** The sender of a deliver_sm in E.164, or as it came when it is a name (an alphanumeric sender). */
    String e164(byte ton, String address) {
        String a = address == null ? "" : address.strip();
        if (a.isEmpty()) {
            throw new IllegalArgumentException("deliver_sm without a source address");
        }
        String digits = a.replaceAll("[\\s()-]", "");
        if (ton == TypeOfNumber.ALPHANUMERIC.value() || !digits.matches("\\+?[0-9]+")) {
            return a;
        }
        if (digits.startsWith("+")) {
            return digits;
        }
        if (ton == TypeOfNumber.INTERNATIONAL.value()) {
            return "+" + digits;
        }
        if (digits.startsWith("00")) {
            return "+" + digits.substring(2);
        }
        if (countryCode.isEmpty()) {
            return "+" + digits;
        }
        boolean alreadyInternational = ton != TypeOfNumber.NATIONAL.value() && digits.startsWith(countryCode)
                && digits.length() > countryCode.length() + 8;
        if (alreadyInternational) {
            return "+" + digits;
        }
        return "+" + countryCode + digits.replaceFirst("^0", "");
    }

    /** A customer's E.164 number as a destination. */
    static SmppAddress destination(String e164) {
        String digits = e164 == null ? "" : e164.strip().replaceAll("[\\s()-]", "");
        if (!digits.matches("\\+[0-9]{6,15}")) {
            throw new IllegalArgumentException("not an E.164 number (+ and 6-15 digits): " + e164);
        }
        return new SmppAddress(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, digits.substring(1));
    }

    /** Our own number or sender name, as configured: "+861069…", a short code "10690000", or a name. */
    static SmppAddress source(String configured) {
        String a = configured == null ? "" : configured.strip();
        if (a.matches("\\+[0-9]+")) {
            return new SmppAddress(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, a.substring(1));
        }
        if (a.matches("[0-9]+")) {
            return new SmppAddress(TypeOfNumber.UNKNOWN, NumberingPlanIndicator.ISDN, a);
        }
        return new SmppAddress(TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, a);
    }
}
