package io.switchboard.shell.internal;

import io.switchboard.conversation.CustomerDirectory;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

@Command(scope = "switchboard", name = "customer-unmerge", description = "Undoes a merge: the merged-away customer is again exactly as before")
@Service
public class CustomerUnmergeCommand implements Action {

    @Reference
    CustomerDirectory directory;

    @Reference
    Session session;

    @Argument(index = 0, name = "merge", description = "the merge id customer-merge printed", required = true)
    String mergeId;

    @Option(name = "--reason", description = "why, for the audit trail", required = true)
    String reason;

    @Override
    public Object execute() {
        directory.unmerge(mergeId, operator(session), reason);
        System.out.println("undid merge " + mergeId);
        return null;
    }

    /** The shell user, for the audit trail. */
    static String operator(Session session) {
        Object user = session.get("USER");
        return "shell:" + (user == null ? "unknown" : user);
    }
}
