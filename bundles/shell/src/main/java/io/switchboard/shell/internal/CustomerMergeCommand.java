package io.switchboard.shell.internal;

import io.switchboard.conversation.CustomerDirectory;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

@Command(scope = "switchboard", name = "customer-merge", description = "Makes one customer of two; prints the merge id that customer-unmerge takes")
@Service
public class CustomerMergeCommand implements Action {

    @Reference
    CustomerDirectory directory;

    @Reference
    Session session;

    @Argument(index = 0, name = "source", description = "the customer merged away", required = true)
    String source;

    @Argument(index = 1, name = "target", description = "the customer who remains", required = true)
    String target;

    @Option(name = "--reason", description = "why, for the audit trail", required = true)
    String reason;

    @Override
    public Object execute() {
        String mergeId = directory.merge(source, target, CustomerUnmergeCommand.operator(session), reason);
        System.out.println("merged " + source + " into " + target + ": merge " + mergeId);
        return null;
    }
}
