package io.switchboard.api;

/** Seen from the contact centre: INBOUND comes from a customer, OUTBOUND goes to one. */
public enum Direction { INBOUND, OUTBOUND }
