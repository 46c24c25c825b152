package org.stateos.signing;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** The release manifest's JSON form (UTF-8, pretty-printed, instants in ISO-8601 UTC), both ways, with checks. */
public final class ReleaseManifestJson {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .setStrictness(Strictness.STRICT)
            .create();

    private ReleaseManifestJson() {}

    public static byte[] toJson(ReleaseManifest manifest) {
        return (GSON.toJson(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses and checks a manifest: every field present, format and product known, hashes and paths sane. */
    public static ReleaseManifest parse(byte[] json) throws SigningException {
        ReleaseManifest manifest;
        try {
            manifest = GSON.fromJson(new String(json, StandardCharsets.UTF_8), ReleaseManifest.class);
        } catch (JsonParseException | DateTimeParseException e) {
            throw new SigningException("not a release manifest: " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new SigningException("not a release manifest: empty document");
        }
        check(manifest);
        return manifest;
    }

    private static void check(ReleaseManifest manifest) throws SigningException {
        if (manifest.format() != ReleaseManifest.FORMAT) {
            throw new SigningException("unknown release manifest format " + manifest.format()
                    + " (this tool reads format " + ReleaseManifest.FORMAT + ")");
        }
        if (!ReleaseManifest.PRODUCT.equals(manifest.product())) {
            throw new SigningException("release manifest is for product \"" + manifest.product()
                    + "\", not \"" + ReleaseManifest.PRODUCT + "\"");
        }
        try {
            Versions.check(manifest.version());
        } catch (IllegalArgumentException e) {
            throw new SigningException("release manifest: " + e.getMessage(), e);
        }
        if (manifest.createdAt() == null || manifest.expiresAt() == null) {
            throw new SigningException("release manifest lacks createdAt or expiresAt");
        }
        if (!manifest.expiresAt().isAfter(manifest.createdAt())) {
            throw new SigningException("release manifest expires before it was created");
        }
        if (manifest.bundles() == null) {
            throw new SigningException("release manifest lacks its bundle list");
        }
        Set<String> paths = new HashSet<>();
        for (BundleEntry bundle : manifest.bundles()) {
            if (bundle == null || bundle.symbolicName() == null || bundle.symbolicName().isBlank()
                    || bundle.version() == null || bundle.path() == null || bundle.sha256() == null) {
                throw new SigningException("release manifest has an incomplete bundle entry: " + bundle);
            }
            if (!SHA256_HEX.matcher(bundle.sha256()).matches()) {
                throw new SigningException("bundle " + bundle.path() + ": sha256 is not 64 lower-case hex digits");
            }
            if (bundle.size() < 0) {
                throw new SigningException("bundle " + bundle.path() + ": negative size");
            }
            if (bundle.path().isEmpty() || bundle.path().startsWith("/") || bundle.path().contains("\\")
                    || ("/" + bundle.path() + "/").contains("/../") || ("/" + bundle.path() + "/").contains("/./")) {
                throw new SigningException("bundle path \"" + bundle.path() + "\" is not a plain relative path");
            }
            if (!paths.add(bundle.path())) {
                throw new SigningException("bundle path " + bundle.path() + " is listed twice");
            }
        }
    }

    /** ISO-8601 instants ("2026-01-31T12:00:00Z"). */
    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            if (in.peek() != JsonToken.STRING) {
                throw new JsonParseException("expected an ISO-8601 instant string at " + in.getPath());
            }
            return Instant.parse(in.nextString());
        }
    }
}
