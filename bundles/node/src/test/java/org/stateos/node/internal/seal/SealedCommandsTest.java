package org.stateos.node.internal.seal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


class SealedCommandsTest {

    @org.junit.jupiter.api.Test
    void sealsProcessJavaAndObjectConstructionCommands() {
        assertTrue(SealedCommands.isSealed("shell", "exec"));
        assertTrue(SealedCommands.isSealed("shell", "java"));
        assertTrue(SealedCommands.isSealed("shell", "new"));
        assertTrue(SealedCommands.isSealed("shell", "addCommand"));
    }

    @org.junit.jupiter.api.Test
    void keepsOrdinaryOperatorCommands() {
        assertFalse(SealedCommands.isSealed("shell", "echo"));
        assertFalse(SealedCommands.isSealed("bundle", "list"));
        assertFalse(SealedCommands.isSealed("esr", "exec"));
    }
}
