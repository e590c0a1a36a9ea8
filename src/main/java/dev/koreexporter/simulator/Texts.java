package dev.koreexporter.simulator;

import java.util.Map;

/** Canned user and bot utterances per language; the bot's text length is its TTS utteranceLengthChars. */
final class Texts {
    private Texts() {
    }

    private static final Map<String, String[]> USER = Map.of(
            "en", new String[]{"I want to check my order status", "What is my balance", "Pay my bill",
                    "Talk to an agent", "yes", "no", "My account number is one two three four", "Repeat that please"},
            "es", new String[]{"Quiero pagar mi factura", "Cual es mi saldo", "Hablar con un agente", "si", "no"},
            "de", new String[]{"Ich moechte meine Rechnung bezahlen", "Wie ist mein Kontostand", "ja", "nein"},
            "fr", new String[]{"Je veux payer ma facture", "Quel est mon solde", "oui", "non"});

    private static final Map<String, String[]> BOT = Map.of(
            "en", new String[]{"Sure! Could you share your order number?", "Your balance is 42 dollars and 17 cents.",
                    "Welcome to Acme. How can I help you today?", "I am transferring you to an agent now.",
                    "Thanks, your payment has been scheduled.", "Sorry, I did not catch that. Could you repeat?"},
            "es", new String[]{"Claro, cual es su numero de cuenta?", "Su saldo es de 42 euros.",
                    "Bienvenido a Acme. En que puedo ayudarle?", "Le paso con un agente."},
            "de", new String[]{"Gerne, wie lautet Ihre Kundennummer?", "Ihr Kontostand betraegt 42 Euro.",
                    "Willkommen bei Acme. Wie kann ich helfen?"},
            "fr", new String[]{"Bien sur, quel est votre numero de compte ?", "Votre solde est de 42 euros.",
                    "Bienvenue chez Acme. Comment puis-je vous aider ?"});

    /** {@link SimMessage#textIndex} of the bot's closing message after an inactivity timeout. */
    static final short CLOSING = -1;

    private static final Map<String, String> CLOSING_TEXT = Map.of(
            "en", "I am closing our current conversation as I have not received any input from you.",
            "es", "Cierro nuestra conversacion porque no he recibido ninguna respuesta.",
            "de", "Ich beende unser Gespraech, da ich keine Eingabe erhalten habe.",
            "fr", "Je ferme notre conversation car je n'ai recu aucune reponse.");

    static int count(String lang, boolean outgoing) {
        return (outgoing ? BOT : USER).get(lang).length;
    }

    static String text(String lang, boolean outgoing, int index) {
        if (index == CLOSING) {
            return CLOSING_TEXT.get(lang);
        }
        String[] pool = (outgoing ? BOT : USER).get(lang);
        return pool[index % pool.length];
    }
}
