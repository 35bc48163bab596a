package com.apisentinel.body;

/**
 * What every stored string must satisfy: PostgreSQL rejects NUL in text and jsonb, and a lone
 * UTF-16 surrogate cannot be encoded as UTF-8 without silently turning into '?'.
 */
public final class TextRules {

  private TextRules() {
  }

  /** @return why the text cannot be stored, or null when it can */
  public static String problem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return "must not contain NUL characters";
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must be valid Unicode (unpaired surrogate)";
      }
    }
    return null;
  }
}
