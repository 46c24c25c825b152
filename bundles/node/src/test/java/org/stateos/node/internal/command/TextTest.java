package org.stateos.node.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void cutsKeepingTheHeadOrTheTailWithAnAsciiMark() {
        assertEquals("0.1.0.S~", Text.cutEnd("0.1.0.SNAPSHOT", 8));
        assertEquals("~karaf.shell.core", Text.cutStart("org.apache.karaf.shell.core", 17));
        assertEquals("short", Text.cutStart("short", 17));
    }

    @Test
    void wrapsWordsAndBreaksWordsLongerThanALine() {
        assertEquals(List.of("entry not", "signed:", "com/examp", "le/A.clas", "s"),
                Text.wrap("entry not signed: com/example/A.class", 9));
        assertEquals(List.of(""), Text.wrap("", 9));
    }

    @Test
    void replacesControlCharactersSoABundleCannotDriveTheTerminal() {
        assertEquals("evil?[2Jname?x", Text.clean("evil\u001b[2Jname\u009bx"));
        assertEquals("", Text.clean(null));
    }

    @Test
    void takesTheCommonNameOfASubject() {
        assertEquals("StateOS Vendor", Text.commonName("CN=StateOS Vendor,O=StateOS,C=DE"));
        assertEquals("Acme, Inc.", Text.commonName("O=x,CN=Acme\\, Inc."));
        assertEquals("O=NoCn", Text.commonName("O=NoCn"));
    }
}
