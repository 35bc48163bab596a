package com.apisentinel.body;

/**
 * RFC 3629's UTF-8, checked byte by byte: no overlong forms (C0, C1, E0 80..9F, F0 80..8F), no
 * encoded surrogates (ED A0..BF), nothing above U+10FFFF (F4 90.., F5..FF), no truncated sequence.
 * Jackson decodes more leniently than this, so a body is checked here first: what is not UTF-8 is
 * a 400, before any field is looked at. Mostly ASCII, so the loop's first test is nearly all it does.
 */
public final class Utf8 {

  private Utf8() {
  }

  public static boolean isValid(byte[] bytes) {
    int i = 0;
    while (i < bytes.length) {
      int lead = bytes[i] & 0xFF;
      if (lead < 0x80) {
        i++;
        continue;
      }
      int length = sequenceLength(lead);
      if (length == 0 || i + length > bytes.length || !secondByteFits(lead, bytes[i + 1] & 0xFF)) {
        return false;
      }
      for (int k = 2; k < length; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += length;
    }
    return true;
  }

  private static int sequenceLength(int lead) {
    if (lead >= 0xC2 && lead <= 0xDF) {
      return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
      return 3;
    }
    return lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  }

  /** The second byte's range depends on the lead: this is where overlong forms and surrogates are refused. */
  private static boolean secondByteFits(int lead, int second) {
    switch (lead) {
      case 0xE0: return second >= 0xA0 && second <= 0xBF;
      case 0xED: return second >= 0x80 && second <= 0x9F;
      case 0xF0: return second >= 0x90 && second <= 0xBF;
      case 0xF4: return second >= 0x80 && second <= 0x8F;
      default: return second >= 0x80 && second <= 0xBF;
    }
  }
}
