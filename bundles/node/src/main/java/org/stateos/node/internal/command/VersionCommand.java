package org.stateos.node.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.stateos.node.internal.FirmwareVersion;

@Service
@Command(scope = "esr", name = "version", description = "Prints the firmware version")
public final class VersionCommand implements Action {
    @Reference
    private BundleContext context;

    @Override
    public Object execute() {
        System.out.println(FirmwareVersion.of(context.getBundle()));
        return null;
    }
}
