package io.switchboard.shell.internal;

import io.switchboard.api.Customer;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.store.IdentityChange;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "customer-show", description = "Shows a customer as seen now (after merges), their addresses and identity history")
@Service
public class CustomerShowCommand implements Action {

    @Reference
    CustomerDirectory directory;

    @Argument(index = 0, name = "customer", description = "customer id", required = true)
    String customerId;

    @Override
    public Object execute() {
        Customer c = directory.customer(customerId);
        System.out.printf("%s  %s  tier=%s  preferred=%s%n", c.id(), c.name() == null ? "" : c.name(), c.tier(),
                c.preferredChannel());
        c.addresses().forEach(a -> System.out.println("  " + a));
        for (IdentityChange h : directory.history(customerId)) {
            System.out.printf("  %s %s %s %s%s by %s: %s%n", h.time(), h.action(), h.customerId(),
                    h.otherCustomerId() == null ? "" : "-> " + h.otherCustomerId(),
                    h.mergeId() == null ? "" : " (merge " + h.mergeId() + ")", h.operator(),
                    h.reason() == null ? h.detail() : h.reason());
        }
        return null;
    }
}
