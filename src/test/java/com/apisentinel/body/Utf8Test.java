package com.apisentinel.body;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  void overlongFormsSurrogatesAndTruncationAreRefused() {
    assertThat(Utf8.isValid(bytes(0xC0, 0x80))).as("overlong NUL").isFalse();
    assertThat(Utf8.isValid(bytes(0xE0, 0x80, 0xAF))).as("overlong /").isFalse();
    assertThat(Utf8.isValid(bytes(0xF0, 0x80, 0x80, 0xAF))).as("overlong /").isFalse();
    assertThat(Utf8.isValid(bytes(0xED, 0xA0, 0x80))).as("encoded surrogate").isFalse();
    assertThat(Utf8.isValid(bytes(0xF4, 0x90, 0x80, 0x80))).as("above U+10FFFF").isFalse();
    assertThat(Utf8.isValid(bytes(0xE2, 0x82))).as("truncated").isFalse();
    assertThat(Utf8.isValid("{\"a\":\"€ 𝄞 ü\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  /** The JDK's strict decoder is the reference: both must agree on every byte string. */
  @Test
  void agreesWithTheJdksStrictDecoderOnRandomBytes() {
    Random random = new Random(3629);
    for (int i = 0; i < 200_000; i++) {
      byte[] bytes = new byte[random.nextInt(8)];
      random.nextBytes(bytes);
      assertThat(Utf8.isValid(bytes)).as(java.util.HexFormat.of().formatHex(bytes)).isEqualTo(strictlyDecodes(bytes));
    }
  }

  private static boolean strictlyDecodes(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
