package org.stateos.store.internal.command;

import java.io.IOException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.stateos.store.internal.StoreAdmin;
import org.stateos.store.internal.log.DeviceFormatException;

/**
 * Erases the store. It closes the open store itself, formats, and opens the empty store, all inside the running
 * bundle: the operator does not have to stop the bundle first, which would also remove this very command.
 * Operations in flight when it closes fail with "the unit store is closed".
 */
@Service
@Command(scope = "store", name = "format",
        description = "Erases every unit, head and index entry: closes the store, formats the device, reopens it empty")
public final class FormatCommand implements Action {
    @Reference(optional = true)
    private StoreAdmin admin;

    @Reference
    private Session session;

    @Option(name = "--force", description = "Do not ask for confirmation")
    private boolean force;

    @Option(name = "--overwrite", description = "Also format a device that holds a partition table or a file system")
    private boolean overwrite;

    @Override
    public Object execute() throws IOException {
        if (admin == null) {
            System.out.println(StoreFormat.NOT_ACTIVE);
            return null;
        }
        String path = admin.devicePath();
        if (!force) {
            System.out.println("store:format erases every unit, head and index entry on");
            System.out.println("  " + path);
            String typed = session.readLine("Type the device path to confirm: ", null);
            if (typed == null || !typed.trim().equals(path)) {
                System.out.println("Not formatted: the path typed does not match.");
                return null;
            }
        }
        try {
            admin.format(overwrite);
        } catch (DeviceFormatException e) {
            System.out.println("Not formatted: " + path + " holds " + Text.clean(e.found())
                    + ". Use --overwrite if it is really meant for the store.");
            return null;
        } catch (IOException e) {
            System.out.println("Format failed: " + Text.clean(e.getMessage()));
            return null;
        }
        System.out.println("Formatted " + path + ": the store is open and empty.");
        return null;
    }
}
