/**
 * The app's own names for the things a person meets, one name per thing, each with the one line
 * that says what it is. The app shows the line where the term is first met ("What is this?"),
 * the command line's help opens with it, and docs/glossary.md carries the same words; a test
 * keeps the three in step. Plain words only: no command-line flags here, the app shows these.
 */
export const glossary = {
  station: {
    term: 'station',
    line: 'A station is a computer with card readers that serves this app to a web browser: the cards are written in its readers, not on the computer showing the page.',
  },
  cardBench: {
    term: 'card bench',
    line: 'The card bench writes every card put into a card reader, one after another with no click, until you switch it off: for a batch of cards on a computer with several readers.',
  },
  firstBootSettings: {
    term: 'first-boot settings',
    line: 'First-boot settings are what each card sets up the first time its device starts: its name, a user, SSH keys, Wi-Fi. Saved settings keep a set under a name, to use again.',
  },
  numbering: {
    term: 'numbering',
    line: 'Numbering gives each card the next number where its hostname has {n} (sensor-{n:03} gives sensor-001, sensor-002…), going on from the last card written with that name, so no number comes twice.',
  },
  deviceTable: {
    term: 'device table',
    line: 'A device table is a spreadsheet saved as CSV with one row per card: each card gets its own row’s hostname, IP address and label, in order.',
  },
  batch: {
    term: 'batch',
    line: 'A batch is the cards written together: one Write, or every card the card bench wrote between switching it on and off.',
  },
  ignition: {
    term: 'Ignition',
    line: 'Ignition is the program Fedora IoT runs once, on a device’s very first start: it reads the file written to the card (ignition/config.ign, in version 3.3.0 of Ignition’s format) and makes the user, the name and the Wi-Fi it describes.',
  },
  containerImage: {
    term: 'container image',
    line: 'A container image is an operating system packed for download from a registry such as quay.io. Fedora publishes Fedora IoT as one for bootc, the tool that runs a system from it; this computer builds it into a disk image with podman, the program that runs containers.',
  },
} as const satisfies Record<string, { term: string; line: string }>;

export type GlossaryTerm = keyof typeof glossary;
