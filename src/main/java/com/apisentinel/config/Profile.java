package com.apisentinel.config;

/** dev tolerates missing secrets and weak durability with a warning; prod refuses to start. */
public enum Profile {
  DEV, PROD
}
