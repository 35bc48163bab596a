package com.apisentinel.bus;

/** A validated registration; {@link #toString()} never shows the password. */
public record RegisterCommand(String email, String password, String companyName, String clientAddress,
                              String requestId) {

  @Override
  public String toString() {
    return "RegisterCommand[companyName=" + companyName + ", requestId=" + requestId + "]";
  }
}
