package io.bolometer.model;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** Encodes names and values so S3 stores them as given: header-safe metadata and rule-abiding tags. */
final class MetadataValues {
    /** RFC 2047 section 2: an encoded-word is at most 75 characters; 12 go to {@code =?UTF-8?B?} and {@code ?=}. */
    private static final int MAX_BYTES_PER_WORD = 45;
    private static final String TAG_PUNCTUATION = "+-=._:/@";

    private MetadataValues() {
    }

    /**
     * A metadata value for an HTTP header: printable ASCII as-is; anything else as RFC 2047 {@code B} encoded-words
     * of UTF-8, which S3 decodes before storing. Values that a header would not carry faithfully (leading or
     * trailing whitespace, which HTTP trims) or that S3 would mistake for an encoded-word (containing {@code =?})
     * are encoded too.
     */
    static String headerValue(String value) {
        if (value == null) {
            return "";
        }
        return needsEncoding(value) ? encodedWords(value) : value;
    }

    /** A metadata name: lowercased, and every character outside {@code [a-z0-9._-]} replaced by {@code _}. */
    static String metadataName(String raw) {
        StringBuilder out = new StringBuilder();
        raw.toLowerCase(Locale.ROOT).codePoints().forEach(cp -> out.append(isNameChar(cp) ? (char) cp : '_'));
        return out.toString();
    }

    /**
     * A tag value within S3's rules: at most {@code maxLength} Unicode characters, each a letter, a digit, a space
     * or one of {@code + - = . _ : / @}; any other becomes {@code _}.
     */
    static String tagValue(String value, int maxLength) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(maxLength).forEach(cp -> {
            if (Character.isLetterOrDigit(cp) || cp == ' ' || TAG_PUNCTUATION.indexOf(cp) >= 0) {
                out.appendCodePoint(cp);
            } else {
                out.append('_');
            }
        });
        return out.toString();
    }

    /** Bytes one metadata pair takes from the budget: the full header name and the value as sent, in UTF-8. */
    static int budgetBytes(String name, String headerValue) {
        return utf8Length(ObjectMetadata.HEADER_PREFIX + name) + utf8Length(headerValue);
    }

    private static boolean needsEncoding(String value) {
        if (value.isEmpty()) {
            return false;
        }
        if (value.contains("=?") || isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(value.length() - 1))) {
            return true;
        }
        return value.chars().anyMatch(c -> c < 0x20 || c > 0x7e);
    }

    /** Splits at character boundaries so each word holds whole characters, as RFC 2047 section 5 requires. */
    private static String encodedWords(String value) {
        StringBuilder out = new StringBuilder();
        StringBuilder word = new StringBuilder();
        int wordBytes = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String character = new String(Character.toChars(cp));
            int bytes = utf8Length(character);
            if (wordBytes + bytes > MAX_BYTES_PER_WORD) {
                appendWord(out, word);
                word.setLength(0);
                wordBytes = 0;
            }
            word.append(character);
            wordBytes += bytes;
            i += Character.charCount(cp);
        }
        appendWord(out, word);
        return out.toString();
    }

    private static void appendWord(StringBuilder out, CharSequence text) {
        if (!out.isEmpty()) {
            out.append(' ');
        }
        out.append("=?UTF-8?B?")
                .append(Base64.getEncoder().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8)))
                .append("?=");
    }

    private static boolean isNameChar(int cp) {
        return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '.' || cp == '_' || cp == '-';
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
