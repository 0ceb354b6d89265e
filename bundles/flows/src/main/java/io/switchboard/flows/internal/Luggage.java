package io.switchboard.flows.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a customer writes about a piece of luggage to ship, read the way a call-taker would: weights
 * ("32公斤", "30kg", "60斤"), sizes ("120x80x50", "120×80×50厘米", "长120宽80高50"), mainland
 * mobile numbers, and from weight and size the vehicle and bag the courier must bring. Pure.
 */
final class Luggage {

    /** Where the courier must bring more than a scooter: thresholds from {@code etc/io.switchboard.flows.cfg}. */
    record Thresholds(double vanKg, int vanCm, double carKg, int carCm, int largeBagCm) {
    }

    /** The vehicle and packaging the courier company is asked for, and the sentence the courier reads. */
    record Needs(String vehicle, String packaging, String carry, String requirement) {
    }

    private static final Pattern KG = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(kg|公斤|千克)", Pattern.CASE_INSENSITIVE);
    private static final Pattern JIN = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*斤");
    private static final Pattern DIMENSIONS = Pattern.compile("(\\d{1,3})\\s*[x×*＊X]\\s*(\\d{1,3})\\s*[x×*＊X]\\s*(\\d{1,3})");
    private static final Pattern NAMED_DIMENSIONS = Pattern.compile("长\\s*(\\d{1,3})\\D{0,6}?宽\\s*(\\d{1,3})\\D{0,6}?高\\s*(\\d{1,3})");
    private static final Pattern PHONE = Pattern.compile("(?<!\\d)(?:\\+?86)?(1[3-9]\\d{9})(?!\\d)");
    private static final Pattern ADDRESS = Pattern.compile("[省市区县镇乡村路街道巷弄号楼室栋]");
    private static final Pattern WHEN = Pattern.compile("今天|明天|后天|周[一二三四五六日天]|星期|上午|中午|下午|晚上|\\d{1,2}\\s*[:：点]|\\d{1,2}月\\d{1,2}|today|tomorrow|am|pm",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern YES = Pattern.compile("^\\s*(确认|确定|是|是的|对|好|好的|可以|没问题|ok|yes|y|1)\\s*[。.!！]?\\s*$",
            Pattern.CASE_INSENSITIVE);

    private Luggage() {
    }

    /** Kilograms, as the customer gave them (斤 are half a kilogram). */
    static Optional<BigDecimal> weightKg(String text) {
        Matcher kg = KG.matcher(text);
        if (kg.find()) {
            return Optional.of(plain(new BigDecimal(kg.group(1))));
        }
        Matcher jin = JIN.matcher(text);
        if (jin.find()) {
            return Optional.of(plain(new BigDecimal(jin.group(1)).divide(BigDecimal.valueOf(2), 1, RoundingMode.HALF_UP)));
        }
        return Optional.empty();
    }

    /** 30, not 30.0 or 3E+1: how it is shown and sent. */
    private static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** "LxWxH" in centimetres, longest side first. */
    static Optional<String> sizeCm(String text) {
        Matcher m = DIMENSIONS.matcher(text);
        if (!m.find()) {
            m = NAMED_DIMENSIONS.matcher(text);
            if (!m.find()) {
                return Optional.empty();
            }
        }
        int[] sides = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        Arrays.sort(sides);
        if (sides[0] <= 0) {
            return Optional.empty();
        }
        return Optional.of(sides[2] + "x" + sides[1] + "x" + sides[0]);
    }

    static Optional<String> phone(String text) {
        Matcher m = PHONE.matcher(text.replaceAll("[\\s-]", ""));
        return m.find() ? Optional.of("+86" + m.group(1)) : Optional.empty();
    }

    /** Text that reads as an address: long enough, with a place word (市, 区, 路, 号...). */
    static boolean looksLikeAddress(String text) {
        String t = text.strip();
        return t.codePointCount(0, t.length()) >= 6 && ADDRESS.matcher(t).find();
    }

    static boolean looksLikeTime(String text) {
        return WHEN.matcher(text).find();
    }

    static boolean agrees(String text) {
        return YES.matcher(text).matches();
    }

    static Needs needs(BigDecimal weightKg, String sizeCm, Thresholds t) {
        int longest = sizeCm == null ? 0 : Integer.parseInt(sizeCm.substring(0, sizeCm.indexOf('x')));
        double kg = weightKg == null ? 0 : weightKg.doubleValue();
        String vehicle = kg >= t.vanKg() || longest >= t.vanCm() ? "van" : kg >= t.carKg() || longest >= t.carCm() ? "car" : "bike";
        String packaging = longest >= t.largeBagCm() ? "large-bag" : "standard-bag";
        List<String> zh = new ArrayList<>();
        List<String> en = new ArrayList<>();
        switch (vehicle) {
            case "van" -> { zh.add("厢式货车"); en.add("a van"); }
            case "car" -> { zh.add("轿车"); en.add("a car"); }
            default -> { zh.add("电动车"); en.add("a scooter"); }
        }
        if ("large-bag".equals(packaging)) {
            zh.add("大号行李袋");
            en.add("a large bag");
        } else {
            zh.add("标准包装袋");
            en.add("a standard bag");
        }
        String carry = String.join("和", zh);
        return new Needs(vehicle, packaging, carry, "需要" + carry + " (needs " + String.join(" and ", en) + ")");
    }
}
