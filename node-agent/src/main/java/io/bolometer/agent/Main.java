package io.bolometer.agent; public final class Main { public static void main(String[] a) {} }
