package dev.koreexporter;

public final class Main {
    public static void main(String[] args) {
    }
}
