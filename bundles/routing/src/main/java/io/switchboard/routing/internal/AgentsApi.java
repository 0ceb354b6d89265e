package io.switchboard.routing.internal;

import io.switchboard.api.Agent;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Roles;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

/**
 * {@code /switchboard/api/agents}: agents' profiles, presence and load, and the queue's figures. An
 * agent is the Karaf user of the same name; admins make their profiles, agents set their presence.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentsApi {

    /** An agent id is their login name. */
    static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    /** Letters of any script, so 售后 is a skill as much as billing; never ',' or ':' (the stored form). */
    static final Pattern SKILL = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}_.-]{0,39}");
    static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9-]{0,31}|\\*");
    static final int MAX_CAPACITY = 1000;
    /** Would be shadowed by the sub-resources of the same name. */
    static final Set<String> RESERVED_IDS = Set.of("me", "queue");

    /** What an admin PUTs; absent skills and capacity mean none, an absent workplace CENTRE. */
    public record Profile(String name, Map<String, Integer> skills, Map<String, Integer> capacity, String workplace) {
    }

    public record PresenceChange(String presence) {
    }

    /** An agent as the desk and the supervisors see them: profile, presence and what they carry now. */
    public record AgentStatus(String id, String name, Map<String, Integer> skills, Map<String, Integer> capacity,
                              Agent.Presence presence, Agent.Workplace workplace, Map<String, Integer> active,
                              int load, Instant idleSince) {
    }

    private final Store store;
    private final Duration sla;
    private final Supplier<Rounds.Figures> routing;
    private final Consumer<DomainEvent> publish;
    private final Runnable nudge;
    private final Clock clock;

    /**
     * @param publish sends a domain event on {@code sb.events}, after the change has committed
     * @param nudge   asks for a routing round: the agents' room changed
     */
    AgentsApi(Store store, Duration sla, Supplier<Rounds.Figures> routing, Consumer<DomainEvent> publish, Runnable nudge,
              Clock clock) {
        this.store = store;
        this.sla = sla;
        this.routing = routing;
        this.publish = publish;
        this.nudge = nudge;
        this.clock = clock;
    }

    @GET
    public List<AgentStatus> agents() {
        return store.inTransaction(s -> {
            Map<String, Map<String, Integer>> load = s.conversations().activeLoad();
            Map<String, Instant> idle = s.agents().idleSince();
            List<AgentStatus> all = new ArrayList<>();
            for (Agent a : s.agents().all()) {
                all.add(status(a, load.get(a.id()), idle.get(a.id())));
            }
            return all;
        });
    }

    @RolesAllowed({Roles.ADMIN})
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public AgentStatus save(@PathParam("id") String id, Profile profile) {
        Agent agent = validate(id, profile);
        AgentStatus saved = store.inTransaction(s -> {
            s.agents().save(agent);
            return status(s, id);
        });
        nudge.run();
        return saved;
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.FIELD})
    @GET
    @Path("me")
    public AgentStatus me(@Context SecurityContext security) {
        String me = security.getUserPrincipal().getName();
        return store.inTransaction(s -> status(s, me));
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.FIELD})
    @PUT
    @Path("me/presence")
    @Consumes(MediaType.APPLICATION_JSON)
    public AgentStatus presence(PresenceChange change, @Context SecurityContext security) {
        String me = security.getUserPrincipal().getName();
        Agent.Presence presence = parse(Agent.Presence.class, change == null ? null : change.presence(), "presence");
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        AgentStatus status = store.inTransaction(s -> {
            if (!s.agents().presence(me, presence, now)) {
                throw noProfile(me);
            }
            return status(s, me);
        });
        // published even when the presence was already so: a retry after the bus failed must get it out
        String eventId = DomainEvent.AGENT_PRESENCE + ":" + Ids.newId();
        publish.accept(new DomainEvent(eventId, DomainEvent.AGENT_PRESENCE, now, null, null,
                Map.of("agentId", me, "presence", presence.name())));
        nudge.run();
        return status;
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.VIEWER})
    @GET
    @Path("queue")
    public QueueFigures.Queue queue() {
        Instant now = clock.instant();
        return store.inTransaction(s -> QueueFigures.read(s, now, sla, routing.get()));
    }

    private AgentStatus status(StoreSession s, String id) throws SQLException {
        Agent agent = s.agents().byId(id).orElseThrow(() -> noProfile(id));
        Map<String, Integer> active = s.conversations().assignedTo(id).stream()
                .collect(Collectors.groupingBy(c -> c.address().channel(), java.util.TreeMap::new,
                        Collectors.summingInt(c -> 1)));
        return status(agent, active, s.agents().idleSince(id).orElse(null));
    }

    private static AgentStatus status(Agent a, Map<String, Integer> active, Instant idleSince) {
        Map<String, Integer> carried = active == null ? Map.of() : active;
        int load = carried.values().stream().mapToInt(Integer::intValue).sum();
        return new AgentStatus(a.id(), a.name(), a.skills(), a.capacity(), a.presence(), a.workplace(), carried, load,
                idleSince);
    }

    private static NoSuchElementException noProfile(String id) {
        return new NoSuchElementException("no agent " + id + "; an admin makes the profile with PUT /agents/" + id);
    }

    /** @throws IllegalArgumentException (400) saying what is wrong */
    static Agent validate(String id, Profile profile) {
        if (id == null || !AGENT_ID.matcher(id).matches() || RESERVED_IDS.contains(id)) {
            throw new IllegalArgumentException("an agent id is their login: 1-100 letters, digits or . _ @ -,"
                    + " starting with a letter or digit, and not " + RESERVED_IDS);
        }
        if (profile == null) {
            throw new IllegalArgumentException("a JSON body with the profile is required");
        }
        if (profile.name() != null && profile.name().length() > 200) {
            throw new IllegalArgumentException("name longer than 200 characters");
        }
        Map<String, Integer> skills = new LinkedHashMap<>();
        if (profile.skills() != null) {
            for (Map.Entry<String, Integer> e : profile.skills().entrySet()) {
                if (e.getKey() == null || !SKILL.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("skill '" + e.getKey() + "': 1-40 letters, digits or . _ -");
                }
                if (e.getValue() == null || e.getValue() < 1 || e.getValue() > 10) {
                    throw new IllegalArgumentException("skill " + e.getKey() + ": the level is 1 to 10, not " + e.getValue());
                }
                skills.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Integer> capacity = new LinkedHashMap<>();
        if (profile.capacity() != null) {
            for (Map.Entry<String, Integer> e : profile.capacity().entrySet()) {
                if (e.getKey() == null || !CHANNEL.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("capacity '" + e.getKey() + "': a channel name or * for any other");
                }
                if (e.getValue() == null || e.getValue() < 0 || e.getValue() > MAX_CAPACITY) {
                    throw new IllegalArgumentException("capacity on " + e.getKey() + " is 0 to " + MAX_CAPACITY
                            + ", not " + e.getValue());
                }
                capacity.put(e.getKey(), e.getValue());
            }
        }
        Agent.Workplace workplace = profile.workplace() == null ? Agent.Workplace.CENTRE
                : parse(Agent.Workplace.class, profile.workplace(), "workplace");
        String name = profile.name() == null || profile.name().isBlank() ? id : profile.name().strip();
        // the presence is the agent's own; save keeps the stored one
        return new Agent(id, name, skills, capacity, null, workplace);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required: one of " + allowed);
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " must be one of " + allowed + ", not " + value);
        }
    }
}
