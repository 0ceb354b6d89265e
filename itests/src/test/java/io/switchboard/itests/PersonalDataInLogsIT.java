package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs once every other integration test has run (a failsafe execution of its own, itests/pom.xml):
 * reads the log of every server the run started against what that server's customers told it.
 * <p>
 * A server's own database (the embedded H2 most tests run on) names its customers' addresses, visitor
 * ids and words; none of them may be in its {@code data/log/karaf.log}, masked or not, since the
 * layout's masking (etc/org.ops4j.pax.logging.cfg) knows only some shapes and never reaches a stack
 * trace. Every log, the PostgreSQL servers' too, is also searched for the shapes the masking should
 * have caught: a mainland mobile number, an e-mail address or an OpenID in the clear.
 */
class PersonalDataInLogsIT {

    /** A message shorter than this (in ASCII) is a word any log may hold ("hello", "refund"). */
    private static final int MIN_TEXT = 10;
    private static final int MIN_CJK_TEXT = 4;
    private static final int MIN_ADDRESS = 6;

    private static final Pattern MOBILE = Pattern.compile("(?<![0-9])(?:[+]?86)?1[3-9][0-9]{9}(?![0-9])");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:[.][A-Za-z0-9-]+)*[.][A-Za-z]{2,}");
    private static final Pattern OPENID = Pattern.compile("(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_+@.-]+");
    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");

    @Test
    void noServersLogHoldsItsCustomersAddressesVisitorIdsOrWords() throws Exception {
        Path servers = Path.of(System.getProperty("switchboard.itest.dir"));
        List<Path> homes = new ArrayList<>();
        if (Files.isDirectory(servers)) {
            try (Stream<Path> dirs = Files.list(servers)) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("data/log/karaf.log"))).sorted().forEach(homes::add);
            }
        }
        assertTrue(!homes.isEmpty(), "no server ran before this test in " + servers);

        List<String> findings = new ArrayList<>();
        int withDatabase = 0;
        int values = 0;
        for (Path home : homes) {
            String log = log(home);
            Told told = told(home);
            if (told != null) {
                withDatabase++;
                values += told.size();
                findings.addAll(told.foundIn(home, log));
            }
            findings.addAll(clearShapes(home, log));
        }
        System.out.printf("Read %d servers' logs; %d had their database, naming %d addresses, visitor ids and texts%n",
                homes.size(), withDatabase, values);
        assertTrue(findings.isEmpty(), findings.size() + " personal data in the servers' logs:\n"
                + String.join("\n", findings.subList(0, Math.min(40, findings.size()))));
    }

    /** Every karaf.log of a server, rolled-over ones included. */
    private static String log(Path home) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(home.resolve("data/log"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("karaf")).sorted().toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return all.toString();
    }

    /** What the server's customers told it, from its embedded database; null if it ran on PostgreSQL. */
    private static Told told(Path home) throws SQLException {
        Path db = home.resolve("data/switchboard/db.mv.db");
        if (!Files.isRegularFile(db)) {
            return null;
        }
        Told told = new Told();
        String url = "jdbc:h2:file:" + home.resolve("data/switchboard/db").toAbsolutePath() + ";ACCESS_MODE_DATA=r";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            told.addresses(c, "SELECT address FROM sb_channel_address");
            told.addresses(c, "SELECT address FROM sb_conversation");
            told.addresses(c, "SELECT visitor_id FROM webchat_visitor");
            // what customers wrote and what agents answered them; the bot's answers are the knowledge base's
            told.texts(c, "SELECT text FROM sb_message WHERE direction = 'INBOUND' OR agent_id IS NOT NULL");
        }
        return told;
    }

    private static List<String> clearShapes(Path home, String log) {
        List<String> found = new ArrayList<>();
        for (Pattern shape : List.of(MOBILE, EMAIL, OPENID)) {
            Matcher m = shape.matcher(log);
            while (m.find()) {
                found.add(home.getFileName() + ": " + m.group() + " in the clear: " + line(log, m.start()));
            }
        }
        return found;
    }

    private static String line(String log, int at) {
        int start = log.lastIndexOf('\n', at) + 1;
        int end = log.indexOf('\n', at);
        String line = log.substring(start, end < 0 ? log.length() : end);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** One server's customers' addresses and words. */
    private static final class Told {

        private final Set<String> addresses = new HashSet<>();
        private final Set<String> texts = new LinkedHashSet<>();

        void addresses(Connection c, String sql) {
            for (String a : column(c, sql)) {
                if (a.length() >= MIN_ADDRESS) {
                    addresses.add(a);
                    // an SMSC gives a number with or without its plus
                    if (a.startsWith("+")) {
                        addresses.add(a.substring(1));
                    }
                }
            }
        }

        void texts(Connection c, String sql) {
            for (String t : column(c, sql)) {
                String text = t.strip();
                if (text.length() >= MIN_TEXT || CJK.matcher(text).find() && text.length() >= MIN_CJK_TEXT) {
                    texts.add(text);
                }
            }
        }

        int size() {
            return addresses.size() + texts.size();
        }

        List<String> foundIn(Path home, String log) {
            List<String> found = new ArrayList<>();
            Matcher m = TOKEN.matcher(log);
            while (m.find()) {
                String token = m.group().replaceAll("[.]+$", "");
                if (addresses.contains(token)) {
                    found.add(home.getFileName() + ": a customer's address " + token + ": " + line(log, m.start()));
                }
            }
            for (String text : texts) {
                int at = log.indexOf(text);
                if (at >= 0) {
                    found.add(home.getFileName() + ": a message's words \"" + text + "\": " + line(log, at));
                }
            }
            return found;
        }

        /** A table a server's features did not install is simply not there. */
        private static List<String> column(Connection c, String sql) {
            List<String> values = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        values.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                // 42102-42104: no such table, 42122: no such column
                if (!String.valueOf(e.getErrorCode()).matches("4210[2-4]|42122")) {
                    throw new IllegalStateException(sql + ": " + e.getMessage(), e);
                }
            }
            return values;
        }
    }
}
